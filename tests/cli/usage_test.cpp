// Global behaviour of the certa binary: version, help, usage errors.
#include "tests/cli/CliTestUtil.hpp"

#include <doctest/doctest.h>

using namespace certa::test;
using namespace certa::test::cli;

TEST_CASE("--version prints the version and exits 0") {
    auto r = run_certa({"--version"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "certa 0.1.0\n");
    CHECK(r.err.empty());
}

TEST_CASE("--help lists the commands and exits 0") {
    auto r = run_certa({"--help"});
    CHECK(r.exit_code == 0);
    for (const char* word : {"store", "list", "show", "export", "--store", "--json", "--log-level"})
        CHECK_MESSAGE(r.out.find(word) != std::string::npos, word);
}

TEST_CASE("subcommand --help exits 0") {
    auto r = run_certa({"export", "--help"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("--dir") != std::string::npos);
}

TEST_CASE("an unknown flag is a one-line usage error with exit 2") {
    TempDir dir;
    auto r = certa_in(dir, {"list", "--bogus-flag"});
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.rfind("certa: ", 0) == 0);
    CHECK(r.err.find("--bogus-flag") != std::string::npos);
    CHECK(r.out.empty());
}

TEST_CASE("an unknown top-level flag before the command is a usage error") {
    TempDir dir;
    auto r = certa_in(dir, {"--bogus-flag", "list"});
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
}

TEST_CASE("a bad --log-level value is a usage error with exit 2") {
    TempDir dir;
    auto r = certa_in(dir, {"--log-level", "loud", "list"});
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.find("loud") != std::string::npos);
    // Nothing was opened or created.
    CHECK(file_mode(dir.file("certa.db")) == -1);
}

TEST_CASE("every documented --log-level value is accepted") {
    TempDir dir;
    for (const char* level : {"trace", "debug", "info", "warn", "error", "off"}) {
        auto r = certa_in(dir, {"--log-level", level, "list"});
        CHECK_MESSAGE(r.exit_code == 0, level);
    }
}

TEST_CASE("no command is a usage error") {
    auto r = run_certa({});
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
}

TEST_CASE("a missing required argument is a usage error") {
    TempDir dir;
    auto r = certa_in(dir, {"export", "example.com"});
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.find("--dir") != std::string::npos);
}
