// `certa import lego` with Debian's real lego (4.9.1): lego registers and
// issues from a real Pebble (its own http-01 server) into a temp --path;
// certa imports the account (EC key, same URL) and the certificate, and
// `certa renew --force` renews it against the same Pebble with that account.
#include "tests/cli/import/ImportFixture.hpp"

using namespace certa;
using namespace certa::test;
using namespace certa::test::import;

namespace {

struct LegoFixture : ImportFixture {
    std::string path = dir.file("dot-lego");

    RunResult lego(const std::string& email, const std::vector<std::string>& names) const {
        std::vector<std::string> argv{"lego", "--server", pebble.directory_url(), "--accept-tos", "--email", email,
                                      "--http", "--http.port", "127.0.0.1:" + port(), "--path", path};
        for (const auto& n : names) argv.insert(argv.end(), {"-d", n});
        argv.push_back("run");
        RunOptions o;
        o.env["LEGO_CA_CERTIFICATES"] = pebble.ca_bundle_path();
        o.timeout = std::chrono::seconds(120);
        return run(argv, o);
    }
};

}  // namespace

TEST_CASE("lego's account and certificate are imported once and renewed by certa with the same account") {
    LegoFixture f;
    auto lg = f.lego("admin@example.com", {"c.example.com", "d.example.com"});
    REQUIRE_MESSAGE(lg.exit_code == 0, (lg.out + lg.err));
    const std::string crt = f.path + "/certificates/c.example.com.crt";
    const std::string serial = serial_of_file(crt);
    const std::vector<std::string> import{"import", "lego", f.path, "--server", f.pebble.directory_url(),
                                          "--ca-bundle", f.pebble.ca_bundle_path(), "--http-address", "127.0.0.1",
                                          "--http-port", f.port()};

    SUBCASE("without --server: lego kept no directory URL for a private CA") {
        auto r = f.certa({"import", "lego", f.path});
        CHECK(r.exit_code == 6);
        CHECK(contains(r.err, "lego does not record this CA's directory URL; give --server URL"));
        CHECK_FALSE(f.store_exists());
    }
    SUBCASE("dry run, import, second import, renewal") {
        auto dry = import;
        dry.push_back("--dry-run");
        auto r = f.certa(dry);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(contains(r.out, "dry run: would import 1 account and 1 certificate; nothing was written"));
        CHECK(contains(r.out, "note: renewal settings: lego keeps none"));
        CHECK_FALSE(f.store_exists());

        r = f.certa(import);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(contains(r.out, "imported 1 account and 1 certificate"));
        CHECK(contains(r.out, "(ES256, CA " + f.pebble.directory_url() + ")"));
        auto store = f.store();
        REQUIRE(store->list_accounts().size() == 1);
        const storage::Account account = store->list_accounts().front();
        CHECK(contains(account.contact, "mailto:admin@example.com"));
        CHECK(contains(certa::test::cli::read_file(f.path + "/accounts/127.0.0.1_" + std::to_string(f.pebble.acme_port()) +
                                                   "/admin@example.com/account.json"),
                       "\"uri\": \"" + account.url + "\""));
        const auto cert = store->find_active_certificate("d.example.com");
        REQUIRE(cert);
        CHECK(cert->serial_hex == serial);
        CHECK(cert->account_id == account.id);
        CHECK(cert->key_type == "ec256");
        const auto before = snapshot(*store);

        r = f.certa(import);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(contains(r.out, "nothing to import: everything is already in the store"));
        CHECK(snapshot(*store) == before);

        r = f.certa({"renew", "--force"});
        REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
        CHECK(contains(r.out, "c.example.com: renewed"));
        REQUIRE(store->list_accounts().size() == 1);  // lego's account, not a new one
        CHECK(store->list_accounts().front().url == account.url);
        const auto renewed = store->find_active_certificate("c.example.com");
        REQUIRE(renewed);
        CHECK(renewed->serial_hex != serial);
        CHECK(renewed->account_id == account.id);
        CHECK(renewed->names == cert->names);
        CHECK(contains(renewed->settings_json, "\"http_port\":" + f.port()));
    }
}

TEST_CASE("two lego accounts for one CA: the certificate's account must be chosen with --email") {
    LegoFixture f;
    REQUIRE(f.lego("one@example.com", {"e.example.com"}).exit_code == 0);
    REQUIRE(f.lego("two@example.com", {"f.example.com"}).exit_code == 0);
    auto r = f.certa({"import", "lego", f.path, "--server", f.pebble.directory_url()});
    CHECK(r.exit_code == 6);
    CHECK(contains(r.err, "several lego accounts could have issued it (one@example.com, two@example.com); give --email"));
    CHECK_FALSE(f.store_exists());
    r = f.certa({"import", "lego", f.path, "--server", f.pebble.directory_url(), "--email", "two@example.com"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(contains(r.out, "imported 1 account and 2 certificates"));
    CHECK(contains(r.out, "note: accounts/127.0.0.1_" + std::to_string(f.pebble.acme_port()) + "/one@example.com: not --email"));
}
