// `certa issue` with http-01 against a real Pebble: the standalone responder
// on Pebble's http-01 port, several names, an IP identifier, every key type,
// --each, a failed challenge and a CA that is down.
#include "IssueFixture.hpp"
#include "storage/base/OpenSsl.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace certa;
using certa::test::describe;
using certa::test::IssueFixture;

namespace {

// Names in the leaf's SAN ("DNS:x" / "IP:a.b.c.d" as OpenSSL prints them).
std::set<std::string> san_of(const std::string& chain_pem) {
    auto chain = ossl::parse_chain_pem(chain_pem);
    REQUIRE_FALSE(chain.empty());
    std::set<std::string> out;
    ossl::GeneralNamesPtr names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(chain[0].get(), NID_subject_alt_name, nullptr, nullptr)));
    REQUIRE(names);
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
        if (n->type == GEN_DNS) {
            out.insert(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(n->d.dNSName)),
                                   static_cast<size_t>(ASN1_STRING_length(n->d.dNSName))));
        } else if (n->type == GEN_IPADD && ASN1_STRING_length(n->d.iPAddress) == 4) {
            const unsigned char* b = ASN1_STRING_get0_data(n->d.iPAddress);
            out.insert(std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." +
                       std::to_string(b[3]));
        }
    }
    return out;
}

}  // namespace

TEST_CASE("http-01: one certificate for several names, stored with key, names and settings") {
    IssueFixture f;
    auto r = f.issue({"-d", "www.example.com", "-d", "Example.com", "-d", "api.example.com"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    // The hints name certa as it was invoked, so that each runs as printed.
    const std::string show_hint = certa::test::certa_bin() + " --store " + f.store_path() + " show www.example.com";
    CHECK(r.out.find("Look at it: " + show_hint + "\n") != std::string::npos);
    CHECK(r.out.find(f.store_path()) != std::string::npos);
    const auto shown = certa::test::run({"/bin/sh", "-c", show_hint});
    CHECK_MESSAGE(shown.exit_code == 0, describe(shown));
    CHECK(shown.out.find("api.example.com") != std::string::npos);

    auto store = f.open();
    auto cert = store->find_active_certificate("api.example.com");
    REQUIRE(cert);
    CHECK(san_of(cert->chain_pem) == std::set<std::string>{"www.example.com", "example.com", "api.example.com"});
    CHECK(store->find_active_certificate("example.com")->id == cert->id);
    auto chain = ossl::parse_chain_pem(cert->chain_pem);
    CHECK(chain.size() >= 2);
    ossl::PKeyPtr key = ossl::parse_key_pem(cert->key_pem);
    REQUIRE(key);
    CHECK(ossl::key_matches(chain[0].get(), key.get()));
    CHECK(cert->key_type == "ec256");
    CHECK(cert->settings_json.find("\"challenge\":\"http-01\"") != std::string::npos);
    CHECK(cert->settings_json.find(f.pebble.directory_url()) != std::string::npos);
    CHECK(f.pebble.cert_status(cert->serial_hex) == "Valid");
    // The challenge rows are gone once the order is done.
    CHECK(store->active_challenges(storage::ChallengeType::Http01).empty());
    auto events = store->list_events(cert->id, 10);
    REQUIRE_FALSE(events.empty());
    CHECK(events.front().kind == "issued");
}

TEST_CASE("http-01: an IP identifier (RFC 8738) and --json output") {
    IssueFixture f;
    auto r = f.issue({"--json", "-d", "127.0.0.1"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    CHECK(r.out.find("\"issued\":[{") != std::string::npos);
    CHECK(r.out.find("\"names\":[\"127.0.0.1\"]") != std::string::npos);
    auto cert = f.open()->find_active_certificate("127.0.0.1");
    REQUIRE(cert);
    CHECK(san_of(cert->chain_pem) == std::set<std::string>{"127.0.0.1"});
}

TEST_CASE("http-01: every key type") {
    IssueFixture f;
    for (const char* key_type : {"ec256", "ec384", "rsa2048", "rsa3072", "rsa4096"}) {
        CAPTURE(key_type);
        const std::string name = std::string(key_type) + ".example.org";
        auto r = f.issue({"-d", name, "--key-type", key_type});
        REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
        auto cert = f.open()->find_active_certificate(name);
        REQUIRE(cert);
        CHECK(cert->key_type == key_type);
        ossl::PKeyPtr key = ossl::parse_key_pem(cert->key_pem);
        REQUIRE(key);
        const bool ec = std::string(key_type).rfind("ec", 0) == 0;
        CHECK(EVP_PKEY_is_a(key.get(), ec ? "EC" : "RSA") == 1);
        CHECK(EVP_PKEY_get_bits(key.get()) == std::stoi(std::string(key_type).substr(ec ? 2 : 3)));
    }
}

TEST_CASE("--each: one certificate per name, all from one account") {
    IssueFixture f;
    auto r = f.issue({"--each", "--parallel", "3", "-d", "a.each.test", "-d", "b.each.test", "-d", "c.each.test",
                      "-d", "d.each.test", "-d", "e.each.test"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    auto store = f.open();
    std::set<std::int64_t> ids, accounts;
    for (const char* name : {"a.each.test", "b.each.test", "c.each.test", "d.each.test", "e.each.test"}) {
        auto cert = store->find_active_certificate(name);
        REQUIRE_MESSAGE(cert, name);
        CHECK(cert->names == std::vector<std::string>{name});
        ids.insert(cert->id);
        accounts.insert(cert->account_id);
    }
    CHECK(ids.size() == 5);
    CHECK(accounts.size() == 1);
    CHECK(store->list_accounts().size() == 1);
}

TEST_CASE("a challenge that fails (nothing listening) exits 1 with Pebble's problem type, nothing stored") {
    IssueFixture f;
    // --webroot: no standalone responder, and nothing else listens on Pebble's http-01 port.
    auto r = f.issue({"-d", "fail.example.com", "--webroot", f.dir.file("www")});
    CHECK_MESSAGE(r.exit_code == 1, describe(r));
    CHECK(r.err.find("urn:ietf:params:acme:error:") != std::string::npos);
    CHECK(r.err.find("fail.example.com") != std::string::npos);
    CHECK(certa::test::error_lines(r.err) == 1);
    auto store = f.open();
    storage::CertificateFilter all;
    all.include_inactive = true;
    CHECK(store->list_certificates(all).empty());
    CHECK(store->active_challenges(storage::ChallengeType::Http01).empty());
    auto events = store->list_events(0, 10);
    REQUIRE_FALSE(events.empty());
    CHECK(events.front().kind == "failed");
}

TEST_CASE("the CA is down: one clear line, exit 1") {
    IssueFixture f;
    f.pebble.stop_pebble();
    auto r = f.issue({"-d", "down.example.com"});
    CHECK_MESSAGE(r.exit_code == 1, describe(r));
    CHECK(r.err.find("cannot reach CA") != std::string::npos);
    CHECK(certa::test::error_lines(r.err) == 1);
}

TEST_CASE("bad names are usage errors before anything is sent") {
    IssueFixture f;
    auto r = f.issue({"-d", "bad name.example"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad name.example") != std::string::npos);
}
