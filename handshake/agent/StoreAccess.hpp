// Whether another user (a server's unprivileged workers, e.g. nginx's
// www-data) can read a local SQLite store the way a read-only agent does,
// judged from the files' modes as the kernel would: search permission on
// every parent directory, read permission on the store and on its -wal and
// -shm, which must already exist (a reader that cannot create them cannot
// open a WAL store: SQLite, "WAL mode" §Read-Only Databases). Also refuses a
// store that every user may read: it holds private keys. See certa-nginx(8).
#pragma once

#include <sys/types.h>

#include <string>

namespace certa::handshake {

// "" when `uid` (primary group `gid`, plus its supplementary groups) can read
// the store at `path`; else one line saying what is wrong and how to fix it.
// A postgresql:// location is not checked here ("").
std::string store_access_problem(const std::string& path, uid_t uid, gid_t gid);

}  // namespace certa::handshake
