// The store file on disk before SQLite sees it: creates it 0600 (and its
// directory 0700), tightens looser modes, refuses -wal/-shm/-journal files
// another user planted beside it, and refuses files that are not SQLite by
// their header, all without writing a byte to them.
#pragma once

#include "storage/StoreTypes.hpp"

#include <string>

namespace certa::storage {

struct StoreFileState {
    bool created = false;  // this call created the (empty) file
};

// Throws StoreError: Io (missing and create=false, permission problems),
// NotAStore (not a regular file, or a non-SQLite header), Untrusted (a
// sidecar file owned by another user).
StoreFileState prepare_store_file(const std::string& path, const OpenOptions& options);

}  // namespace certa::storage
