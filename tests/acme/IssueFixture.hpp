// Shared set-up for `certa issue` / `certa revoke` integration tests: a real
// Pebble, a store in a temp dir, and the certa arguments that point at both.
#pragma once

#include "PebbleHarness.hpp"
#include "Subprocess.hpp"
#include "TempDir.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace certa::test {

struct IssueFixture {
    explicit IssueFixture(PebbleOptions options = {}) : pebble(options) {}

    std::string store_path() const { return dir.file("certa.db"); }

    // certa --store S issue --server URL --ca-bundle B --agree-tos
    //   --http-address 127.0.0.1 --http-port <Pebble's http-01 port> EXTRA...
    RunResult issue(const std::vector<std::string>& extra, const RunOptions& run = {}) const {
        std::vector<std::string> args{"--store", store_path(), "issue", "--server", pebble.directory_url(),
                                      "--ca-bundle", pebble.ca_bundle_path(), "--agree-tos",
                                      "--http-address", "127.0.0.1", "--http-port",
                                      std::to_string(pebble.http01_port())};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_certa(args, run);
    }

    RunResult certa(std::vector<std::string> args) const {
        args.insert(args.begin(), {"--store", store_path()});
        return run_certa(args);
    }

    std::unique_ptr<storage::Store> open() const { return storage::open_store(store_path()); }

    PebbleHarness pebble;
    TempDir dir;
};

// Diagnostic text for a failed run (CHECK messages).
inline std::string describe(const RunResult& r) {
    return "exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
}

// How many "certa: ..." failure lines stderr holds (logs may come before them).
inline int error_lines(const std::string& err) {
    int n = 0;
    for (size_t pos = 0; pos < err.size();) {
        if (err.compare(pos, 7, "certa: ") == 0) ++n;
        size_t nl = err.find('\n', pos);
        if (nl == std::string::npos) break;
        pos = nl + 1;
    }
    return n;
}

}  // namespace certa::test
