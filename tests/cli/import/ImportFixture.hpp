// Shared setup of the `certa import` integration tests: a real Pebble, a temp
// dir holding the other client's files and the certa store, and helpers to
// run certa against that store and read PEM files.
#pragma once

#include "storage/CertificateParser.hpp"
#include "storage/Store.hpp"
#include "tests/cli/CliTestUtil.hpp"
#include "tests/support/PebbleHarness.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace certa::test::import {

struct ImportFixture {
    PebbleHarness pebble;
    TempDir dir;
    std::string db = dir.file("certa.db");

    RunResult certa(std::vector<std::string> args) const {
        args.insert(args.begin(), {"--store", db});
        RunOptions o;
        o.timeout = std::chrono::seconds(120);
        return run_certa(args, o);
    }
    std::unique_ptr<storage::Store> store() const { return storage::open_store(db); }
    bool store_exists() const { return std::filesystem::exists(db); }
    std::string port() const { return std::to_string(pebble.http01_port()); }
};

// The serial (store form) of the first certificate in a PEM file.
inline std::string serial_of_file(const std::string& path) {
    return storage::parse_chain(certa::test::cli::read_file(path)).serial_hex;
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Everything the store holds that an import could change.
struct StoreSnapshot {
    std::int64_t generation = 0;
    std::size_t accounts = 0, certificates = 0, events = 0;
    bool operator==(const StoreSnapshot&) const = default;
};

inline StoreSnapshot snapshot(storage::Store& store) {
    storage::CertificateFilter all;
    all.include_inactive = true;
    return {store.current_generation(), store.list_accounts().size(), store.list_certificates(all).size(),
            store.list_events(0, 0).size()};
}

}  // namespace certa::test::import
