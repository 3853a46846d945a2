// Opens the store selected by the global options. Every command that touches
// the store goes through here so that --store / $CERTA_STORE / the default
// path behave the same everywhere.
#pragma once

#include "cli/GlobalOptions.hpp"
#include "storage/Store.hpp"

#include <memory>
#include <string>

namespace certa::cli {

// The store path the options select: --store, else $CERTA_STORE, else the default.
std::string store_path(const GlobalOptions& g);

// Opens (creating it 0600 if missing) the selected store. Throws storage::StoreError.
std::unique_ptr<storage::Store> open_store(const GlobalOptions& g,
                                           const storage::OpenOptions& options = {});

}  // namespace certa::cli
