// The backend behind a location (a file path: SQLite; a postgresql:// URL:
// PostgreSQL), opened, checked and migrated as open_store does. For
// open_store and `certa store migrate`, which copies through raw connections.
#pragma once

#include "storage/StoreTypes.hpp"
#include "storage/sql/Backend.hpp"

#include <memory>
#include <string>

namespace certa::storage {

std::unique_ptr<sql::Backend> open_backend(const std::string& location, const OpenOptions& options = {});

}  // namespace certa::storage
