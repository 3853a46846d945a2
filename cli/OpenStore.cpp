#include "cli/OpenStore.hpp"

#include "storage/open/StorePath.hpp"

namespace certa::cli {

std::string store_path(const GlobalOptions& g) { return storage::resolve_store_path(g.store); }

std::unique_ptr<storage::Store> open_store(const GlobalOptions& g, const storage::OpenOptions& options) {
    return storage::open_store(store_path(g), options);
}

}  // namespace certa::cli
