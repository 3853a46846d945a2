// How the agent opens connections on its store: never creating it, and
// read-only when the agent is (AgentOptions::read_only). The one home of that
// rule, for Agent::open, PemSource's pool (the cache's misses) and the
// index's parallel first load (IndexLoader).
#pragma once

#include "handshake/agent/IndexLoader.hpp"
#include "handshake/agent/PemSource.hpp"
#include "storage/Store.hpp"

#include <memory>
#include <string>

namespace certa::handshake {

// Throws storage::StoreError when the store cannot be opened.
std::unique_ptr<storage::Store> open_agent_connection(const std::string& location, bool read_only);

// Connections of their own on `store`'s location for the cache's misses, or
// null (then misses read through the agent's main connection).
std::shared_ptr<PemSource> open_pem_source(const storage::Store* store, bool read_only);

// Opens more connections like `store`'s (the index's parallel first load), or
// null for a store the caller opened without a location.
IndexLoader::OpenConnection connection_opener(const storage::Store* store, bool read_only);

}  // namespace certa::handshake
