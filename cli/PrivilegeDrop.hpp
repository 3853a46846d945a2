// `certa serve --user NAME`: after every socket is bound (ports below 1024
// need root) and the store is open, the process gives up root before it
// parses a single ClientHello: supplementary groups, then gid, then uid.
// The store's descriptors stay writable across the drop, so a SQLite store
// must already belong to NAME (or be created for NAME): then root's own runs
// no longer count it as private and ask the allow file for recorded hooks.
#pragma once

#include <string>

namespace certa::cli {

// Becomes `user` for good. Throws CliError: Usage for an unknown user,
// Failure when not root (unless already that user), when a step fails, or
// when root could be regained afterwards: serve then stops instead of
// running on as root.
void drop_privileges(const std::string& user);

// Before the store is opened: a SQLite store at `location` must belong to
// `user`. Returns true when it does not exist yet (serve creates it; call
// give_store_to afterwards). Throws CliError: Usage for an unknown user,
// Failure when the store belongs to someone else. PostgreSQL: no check (such
// a store is never private).
bool check_store_owner_for_drop(const std::string& user, const std::string& location);

// Hands a store this process just created (and its -wal/-shm) to `user`.
void give_store_to(const std::string& user, const std::string& location);

}  // namespace certa::cli
