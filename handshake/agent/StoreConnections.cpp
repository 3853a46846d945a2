#include "handshake/agent/StoreConnections.hpp"

#include <exception>

namespace certa::handshake {

std::unique_ptr<storage::Store> open_agent_connection(const std::string& location, bool read_only) {
    storage::OpenOptions options;
    options.create = false;
    options.read_only = read_only;
    return storage::open_store(location, options);
}

std::shared_ptr<PemSource> open_pem_source(const storage::Store* store, bool read_only) {
    if (!store) return nullptr;
    try {
        return std::make_shared<PemSource>(store->location(), read_only);
    } catch (const std::exception&) {
        return nullptr;
    }
}

IndexLoader::OpenConnection connection_opener(const storage::Store* store, bool read_only) {
    if (!store || store->location().empty()) return nullptr;
    return [location = store->location(), read_only] { return open_agent_connection(location, read_only); };
}

}  // namespace certa::handshake
