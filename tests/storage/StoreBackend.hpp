// The backend the shared storage tests run against, chosen per test run:
// SQLite (a file in a temp dir) by default, PostgreSQL (a fresh database on
// the harness server) when CERTA_TEST_STORE_BACKEND=postgres. tests/storage/
// meson.build registers each interface test once per backend; SQLite-only
// cases carry doctest::test_suite("sqlite-only") and are excluded for PG.
#pragma once

#include "TempDir.hpp"
#include "storage/Store.hpp"

#include <memory>
#include <string>

namespace certa::test {

class StoreBackend {
public:
    StoreBackend();
    static bool postgres();
    // A path or a postgresql:// URL; pass it to open_store (also in children).
    const std::string& location() const { return location_; }
    // change_poll_ms = 0: the generation is re-read on every call, so change
    // detection is exact in both backends (the PG notification path has its
    // own tests).
    static storage::OpenOptions options();
    std::unique_ptr<storage::Store> open() const { return storage::open_store(location_, options()); }

private:
    TempDir dir_;
    std::string location_;
};

}  // namespace certa::test
