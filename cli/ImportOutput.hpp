// What `certa import` prints: one line per account and certificate (imported,
// or already in the store), how each certificate will be renewed, every
// setting that was not carried over, and a closing count. Never a key.
#pragma once

#include "acme/import/StoreImport.hpp"

namespace certa::cli {

void print_import_report(const acme::ImportReport& report, bool json);

}  // namespace certa::cli
