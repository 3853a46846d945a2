// `certa --store PATH issue -d NAME` against a test Pebble (http-01 on
// loopback), for storage tests that check how the CLI reports store failures.
#pragma once

#include "PebbleHarness.hpp"
#include "Subprocess.hpp"

#include <algorithm>
#include <string>

namespace certa::test {

inline RunResult issue_with_pebble(const PebbleHarness& pebble, const std::string& store, const std::string& name) {
    RunOptions options;
    options.timeout = std::chrono::seconds(60);
    return run_certa({"--store", store, "issue", "--server", pebble.directory_url(), "--ca-bundle",
                      pebble.ca_bundle_path(), "--agree-tos", "--http-address", "127.0.0.1", "--http-port",
                      std::to_string(pebble.http01_port()), "-d", name},
                     options);
}

inline std::size_t line_count(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace certa::test
