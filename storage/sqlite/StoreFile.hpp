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

// The one group-readable layout certa keeps (for a server's unprivileged
// workers, e.g. nginx's www-data; certa-nginx(8)): the store is mode 0640 in
// a directory of mode 0750 that has the store's group. Its -wal and -shm may
// then be 0640 with that group too, and read-write connections keep them when
// they close (SQLITE_FCNTL_PERSIST_WAL):
// a reader that cannot create them could not open the store otherwise. Any
// other group or other bit is still removed. The group can never write.
bool is_group_shared_store(const std::string& path);

// Throws StoreError: Io (missing and create=false, permission problems),
// NotAStore (not a regular file, or a non-SQLite header), Untrusted (a
// sidecar file owned by another user).
StoreFileState prepare_store_file(const std::string& path, const OpenOptions& options);

}  // namespace certa::storage
