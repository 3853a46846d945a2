// `promtool check metrics` (Debian package prometheus) over a text
// exposition: the tests' independent judge of the format and its naming rules.
#pragma once

#include "tests/support/Subprocess.hpp"

#include <doctest/doctest.h>

#include <string>
#include <unistd.h>

namespace certa::test::cli {

// Fails the test when promtool is missing or rejects `text` (lint findings included).
inline void require_promtool_accepts(const std::string& text) {
    REQUIRE_MESSAGE(::access("/usr/bin/promtool", X_OK) == 0,
                    "promtool is missing: apt-get install prometheus (see README, Quick start)");
    RunOptions options;
    options.stdin_data = text;
    options.timeout = std::chrono::milliseconds(30000);
    const RunResult r = run({"/usr/bin/promtool", "check", "metrics"}, options);
    INFO("promtool: " << r.out << r.err << "\ninput:\n" << text);
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
}

// The value of the sample line that starts with `series` (e.g.
// `certa_handshakes_total{outcome="served"}`), or -1 when absent.
inline double sample_value(const std::string& text, const std::string& series) {
    std::size_t at = 0;
    while ((at = text.find(series + " ", at)) != std::string::npos) {
        if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + series.size() + 1));
        at += series.size();
    }
    return -1;
}

}  // namespace certa::test::cli
