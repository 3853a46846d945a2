// Where the store lives when the user does not say.
#pragma once

#include <string>

namespace certa::storage {

// root (euid 0): /var/lib/certa/certa.db; others: $XDG_DATA_HOME/certa/certa.db,
// falling back to ~/.local/share/certa/certa.db.
std::string default_store_path();

// The path to use: `flag` (--store) when non-empty, else $CERTA_STORE when
// set and non-empty, else default_store_path().
std::string resolve_store_path(const std::string& flag);

// True for a SQLite store only this user (or root) can write: the file is
// theirs, writable by no one else, in a directory no other user can replace
// it in, nor plant a -wal beside it in (a shared sticky directory such as /tmp
// does not count). Its recorded settings are then trusted like the
// user's own files. False for PostgreSQL (a shared store) and anything else.
bool is_private_store(const std::string& location);

// `location` fit for output: a PostgreSQL URL or conninfo without its
// password (the redaction every store message uses); a file path unchanged.
std::string printable_location(const std::string& location);

}  // namespace certa::storage
