// open_store: picks the backend from the location's form.
#include "storage/SqliteStore.hpp"
#include "storage/Store.hpp"
#include "storage/pg/ConnectionString.hpp"
#include "storage/pg/PgStore.hpp"

namespace certa::storage {

std::unique_ptr<Store> open_store(const std::string& location, const OpenOptions& options) {
    if (pg::is_postgres_url(location)) return std::make_unique<pg::PgStore>(location, options);
    return std::make_unique<SqliteStore>(location, options);
}

}  // namespace certa::storage
