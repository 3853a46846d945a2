// open_store: picks the backend from the location's form.
#include "storage/Store.hpp"
#include "storage/open/OpenBackend.hpp"
#include "storage/open/TableStore.hpp"
#include "storage/pg/ConnectionString.hpp"
#include "storage/pg/PgBackend.hpp"
#include "storage/sqlite/SqliteBackend.hpp"

namespace certa::storage {

std::unique_ptr<sql::Backend> open_backend(const std::string& location, const OpenOptions& options) {
    if (pg::is_postgres_url(location)) return std::make_unique<pg::PgBackend>(location, options);
    return std::make_unique<SqliteBackend>(location, options);
}

std::unique_ptr<Store> open_store(const std::string& location, const OpenOptions& options) {
    return std::make_unique<TableStore>(open_backend(location, options), options.clock);
}

}  // namespace certa::storage
