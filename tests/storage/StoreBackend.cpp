#include "StoreBackend.hpp"

#include "PostgresHarness.hpp"

#include <cstdlib>
#include <string_view>

namespace certa::test {

bool StoreBackend::postgres() {
    const char* backend = std::getenv("CERTA_TEST_STORE_BACKEND");
    return backend && std::string_view(backend) == "postgres";
}

StoreBackend::StoreBackend()
    : location_(postgres() ? PostgresHarness::shared().create_database() : dir_.file("certa.db")) {}

storage::OpenOptions StoreBackend::options() {
    storage::OpenOptions options;
    options.change_poll_ms = 0;
    return options;
}

}  // namespace certa::test
