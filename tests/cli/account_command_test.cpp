// `certa account register|show|rollover|deactivate` against a real Pebble.
#include "PebbleHarness.hpp"
#include "Subprocess.hpp"
#include "TempDir.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include <algorithm>

using certa::test::PebbleHarness;
using certa::test::PebbleOptions;
using certa::test::RunResult;
using certa::test::TempDir;

namespace {

struct Cli {
    explicit Cli(PebbleOptions options = {}) : pebble(std::move(options)) {}
    RunResult account(std::vector<std::string> args) {
        std::vector<std::string> argv{"--store", dir.file("certa.db"), "account"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.insert(argv.end(), {"--server", pebble.directory_url(), "--ca-bundle", pebble.ca_bundle_path()});
        return certa::test::run_certa(argv);
    }
    TempDir dir;
    PebbleHarness pebble;
};

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

bool leaks_key(const RunResult& r) {
    return r.out.find("PRIVATE KEY") != std::string::npos || r.err.find("PRIVATE KEY") != std::string::npos;
}

}  // namespace

TEST_CASE("register, show, rollover, deactivate") {
    Cli cli;
    RunResult reg = cli.account({"register", "--email", "admin@example.com", "--agree-tos"});
    CHECK(reg.exit_code == 0);
    CHECK(reg.out.find("Registered") != std::string::npos);
    CHECK(reg.out.find("mailto:admin@example.com") != std::string::npos);
    CHECK(reg.out.find("valid") != std::string::npos);
    CHECK_FALSE(leaks_key(reg));

    RunResult again = cli.account({"register", "--email", "admin@example.com", "--agree-tos"});
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("Already registered") != std::string::npos);

    RunResult show = cli.account({"show", "--refresh"});
    CHECK(show.exit_code == 0);
    CHECK(show.out.find("(CA: valid)") != std::string::npos);
    CHECK(show.out.find("ES256") != std::string::npos);
    CHECK_FALSE(leaks_key(show));

    RunResult roll = cli.account({"rollover", "--account-key-type", "ES384"});
    CHECK(roll.exit_code == 0);
    CHECK(roll.out.find("ES384") != std::string::npos);
    RunResult after = cli.account({"show", "--refresh"});
    CHECK(after.exit_code == 0);
    CHECK(after.out.find("ES384") != std::string::npos);
    CHECK(after.out.find("(CA: valid)") != std::string::npos);

    RunResult json = certa::test::run_certa({"--store", cli.dir.file("certa.db"), "--json", "account", "show"});
    CHECK(json.exit_code == 0);
    CHECK(lines(json.out) == 2);  // the replaced row and the current one, one JSON object per line
    CHECK(json.out.find("\"status\":\"replaced\"") != std::string::npos);

    RunResult gone = cli.account({"deactivate"});
    CHECK(gone.exit_code == 0);
    CHECK(gone.out.find("deactivated") != std::string::npos);
    RunResult missing = cli.account({"show"});
    CHECK(missing.exit_code == 4);
    CHECK(lines(missing.err) == 1);
}

TEST_CASE("EAB: refused without, CA problem with a wrong key, accepted with the right one") {
    PebbleOptions options;
    options.eab["kid-1"] = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
    Cli cli(options);
    RunResult none = cli.account({"register", "--agree-tos"});
    CHECK(none.exit_code == 1);
    CHECK(none.err.find("external account binding") != std::string::npos);
    CHECK(lines(none.err) == 1);

    RunResult wrong = cli.account({"register", "--agree-tos", "--eab-kid", "kid-1", "--eab-hmac-key",
                                   "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"});
    CHECK(wrong.exit_code == 1);
    CHECK(wrong.err.find("urn:ietf:params:acme:error:") != std::string::npos);
    CHECK(wrong.err.find("c2VjcmV0") == std::string::npos);
    CHECK(lines(wrong.err) == 1);

    RunResult ok = cli.account({"register", "--agree-tos", "--eab-kid", "kid-1", "--eab-hmac-key",
                                "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W"});
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("Registered") != std::string::npos);
}

TEST_CASE("EAB: the HMAC key from --eab-hmac-key-file or CERTA_EAB_HMAC_KEY, never from two places") {
    const std::string key = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
    PebbleOptions options;
    options.eab["kid-1"] = key;
    {
        Cli cli(options);
        const std::string file = cli.dir.file("eab.key");
        std::ofstream(file) << key << "\n";  // a trailing newline, as editors write it
        RunResult ok = cli.account({"register", "--agree-tos", "--eab-kid", "kid-1", "--eab-hmac-key-file", file});
        CHECK_MESSAGE(ok.exit_code == 0, ok.err);
        CHECK(ok.out.find("Registered") != std::string::npos);

        RunResult both = cli.account({"register", "--agree-tos", "--eab-kid", "kid-1", "--eab-hmac-key-file", file,
                                      "--eab-hmac-key", key});
        CHECK(both.exit_code == 2);
        CHECK(both.err.find(key) == std::string::npos);
        RunResult missing = cli.account({"register", "--agree-tos", "--eab-kid", "kid-1", "--eab-hmac-key-file",
                                         cli.dir.file("no-such.key")});
        CHECK(missing.exit_code == 5);
        CHECK(lines(missing.err) == 1);
    }
    Cli cli(options);
    certa::test::RunOptions env;
    env.env["CERTA_EAB_HMAC_KEY"] = key;
    RunResult from_env = certa::test::run_certa({"--store", cli.dir.file("certa.db"), "account", "register",
                                                 "--server", cli.pebble.directory_url(), "--ca-bundle",
                                                 cli.pebble.ca_bundle_path(), "--agree-tos", "--eab-kid", "kid-1"},
                                                env);
    CHECK_MESSAGE(from_env.exit_code == 0, from_env.err);
    CHECK(from_env.out.find("Registered") != std::string::npos);
}

TEST_CASE("usage errors and a CA that is down") {
    Cli cli;
    CHECK(cli.account({"register", "--account-key-type", "ES512"}).exit_code == 2);
    CHECK(cli.account({"register", "--eab-kid", "k"}).exit_code == 2);
    CHECK(cli.account({"rollover"}).exit_code == 4);  // nothing registered yet

    cli.pebble.stop_pebble();
    RunResult down = cli.account({"register", "--agree-tos"});
    CHECK(down.exit_code == 1);
    CHECK(down.err.find("cannot reach CA at " + cli.pebble.directory_url()) != std::string::npos);
    CHECK(lines(down.err) == 1);
}
