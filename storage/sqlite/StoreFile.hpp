// The store file on disk before SQLite sees it: creates it 0600 (and its
// directory 0700), tightens looser modes, and refuses files that are not
// SQLite by their header, without writing a byte to them.
#pragma once

#include "storage/StoreTypes.hpp"

#include <string>

namespace certa::storage {

struct StoreFileState {
    bool created = false;  // this call created the (empty) file
};

// Throws StoreError: Io (missing and create=false, permission problems),
// NotAStore (not a regular file, or a non-SQLite header).
StoreFileState prepare_store_file(const std::string& path, const OpenOptions& options);

}  // namespace certa::storage
