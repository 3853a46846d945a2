// `certa store check` / `certa store path` against real SQLite files.
#include "tests/cli/CliTestUtil.hpp"

#include <cpprest/json.h>
#include <doctest/doctest.h>

#include <unistd.h>

using namespace certa::test;
using namespace certa::test::cli;

TEST_CASE("store check on a fresh store reports ok and the schema version") {
    TempDir dir;
    auto r = certa_in(dir, {"store", "check"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("integrity: ok") != std::string::npos);
    CHECK(r.out.find("schema version: ") != std::string::npos);
    CHECK(r.out.find(dir.file("certa.db")) != std::string::npos);
    // The store was created, private to its owner.
    CHECK(file_mode(dir.file("certa.db")) == 0600);
}

TEST_CASE("store check --json") {
    TempDir dir;
    auto r = certa_in(dir, {"store", "check", "--json"});
    REQUIRE(r.exit_code == 0);
    auto v = web::json::value::parse(r.out);
    CHECK(v.at("ok").as_bool());
    CHECK(v.at("integrity").as_string() == "ok");
    CHECK(v.at("schema_version").as_number().to_int64() >= 1);
    CHECK(v.at("location").as_string() == dir.file("certa.db"));
}

TEST_CASE("global options work before the command too") {
    TempDir dir;
    auto r = run_certa({"--json", "--store", dir.file("certa.db"), "store", "check"});
    REQUIRE(r.exit_code == 0);
    CHECK(web::json::value::parse(r.out).at("ok").as_bool());
}

TEST_CASE("store check on a file that is not SQLite: exit 3, one line, file unchanged") {
    TempDir dir;
    const std::string path = dir.file("certa.db");
    const std::string content = "this is a text file, not a database\n" + std::string(5000, 'x');
    write_file(path, content);
    auto r = certa_in(dir, {"store", "check"});
    CHECK(r.exit_code == 3);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.rfind("certa: ", 0) == 0);
    CHECK(r.out.empty());
    CHECK(read_file(path) == content);
    CHECK(file_mode(path + "-wal") == -1);
}

TEST_CASE("list on a non-store file is also exit 3") {
    TempDir dir;
    write_file(dir.file("certa.db"), std::string(4096, '\x01'));
    auto r = certa_in(dir, {"list"});
    CHECK(r.exit_code == 3);
    CHECK(line_count(r.err) == 1);
}

TEST_CASE("store path follows --store, then CERTA_STORE") {
    TempDir dir;
    auto flag = run_certa({"--store", dir.file("a.db"), "store", "path"});
    CHECK(flag.exit_code == 0);
    CHECK(flag.out == dir.file("a.db") + "\n");

    RunOptions env;
    env.env["CERTA_STORE"] = dir.file("env.db");
    auto from_env = run_certa({"store", "path"}, env);
    CHECK(from_env.exit_code == 0);
    CHECK(from_env.out == dir.file("env.db") + "\n");

    // The flag wins over the environment.
    auto both = run_certa({"--store", dir.file("a.db"), "store", "path"}, env);
    CHECK(both.out == dir.file("a.db") + "\n");

    // CERTA_STORE selects the store that commands really open.
    auto check = run_certa({"store", "check"}, env);
    CHECK(check.exit_code == 0);
    CHECK(file_mode(dir.file("env.db")) == 0600);
}

TEST_CASE("store path never prints a PostgreSQL password") {
    const std::string url = "postgresql://certa:Pa55-w0rd-secret@127.0.0.1:1/certa?password=Pa55-w0rd-secret";
    for (const std::vector<std::string>& argv :
         {std::vector<std::string>{"--store", url, "store", "path"},
          std::vector<std::string>{"--store", url, "--json", "store", "path"}}) {
        auto r = run_certa(argv);
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("Pa55-w0rd-secret") == std::string::npos);
        CHECK(r.out.find("postgresql://certa:***@127.0.0.1:1/certa") != std::string::npos);
    }
    RunOptions env;
    env.env["CERTA_STORE"] = url;
    auto from_env = run_certa({"store", "path"}, env);
    CHECK(from_env.out.find("Pa55-w0rd-secret") == std::string::npos);
}

TEST_CASE("store path default without CERTA_STORE") {
    TempDir dir;
    RunOptions env;
    env.env["CERTA_STORE"] = "";
    env.env["XDG_DATA_HOME"] = dir.file("xdg");
    auto r = run_certa({"store", "path"}, env);
    CHECK(r.exit_code == 0);
    const std::string expected =
        ::geteuid() == 0 ? "/var/lib/certa/certa.db\n" : dir.file("xdg") + "/certa/certa.db\n";
    CHECK(r.out == expected);
}
