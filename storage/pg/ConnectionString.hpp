// PostgreSQL connection strings: recognising them, and keeping their secrets
// out of every log line and error message.
#pragma once

#include <string>
#include <string_view>

namespace certa::storage::pg {

// True for "postgresql://..." and "postgres://..." URLs (the locations that
// select the PostgreSQL backend).
bool is_postgres_url(std::string_view location);

// Removes passwords from `text`: the `user:pass@` part of any URL,
// `password=...` in key/value and query forms (quoted or not), and every
// literal occurrence of the password carried by `conninfo` (libpq messages can
// echo pieces of the connection string). Safe on any text.
std::string redact(std::string_view text, std::string_view conninfo = {});

}  // namespace certa::storage::pg
