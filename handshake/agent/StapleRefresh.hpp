// A certificate's stored OCSP response changed (the ACME side fetched a new
// one): give the parsed leaf the new staple in place, so that no handshake
// has to read and parse the whole row again for it. Runs on the agent's
// watcher thread (AgentImpl::refresh), after the index load that saw the change.
#pragma once

#include "handshake/agent/MaterialCache.hpp"
#include "storage/Store.hpp"

#include <cstdint>

namespace certa::handshake {

// Reads certificate `id`'s OCSP row from `store` and swaps it into the leaf
// `cache` holds for it. False when that cannot be done in place (nothing
// held, no issuer, the leaf had no staple yet, the store cannot be read):
// the caller then drops the material, and the next handshake loads the row.
bool refresh_staple(MaterialCache& cache, storage::Store& store, std::int64_t id);

}  // namespace certa::handshake
