// `certa revoke` against a real Pebble, by account key and by certificate key,
// confirmed through Pebble's /cert-status-by-serial.
#include "IssueFixture.hpp"
#include "TestCertificates.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace certa;
using certa::test::describe;
using certa::test::IssueFixture;

namespace {

storage::CertificateRecord issue_one(IssueFixture& f, const std::string& name) {
    auto r = f.issue({"-d", name});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    auto cert = f.open()->find_active_certificate(name);
    REQUIRE(cert);
    REQUIRE(f.pebble.cert_status(cert->serial_hex) == "Valid");
    return *cert;
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
}

void check_revoked_in_store(IssueFixture& f, std::int64_t id) {
    auto store = f.open();
    auto row = store->get_certificate(id);
    REQUIRE(row);
    CHECK(row->status == storage::CertificateStatus::Revoked);
    auto events = store->list_events(id, 5);
    REQUIRE_FALSE(events.empty());
    CHECK(events.front().kind == "revoked");
}

}  // namespace

TEST_CASE("revoke NAME by the account key, with a reason") {
    IssueFixture f;
    auto cert = issue_one(f, "revoke-account.example");
    auto r = f.certa({"revoke", "revoke-account.example", "--reason", "4"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    CHECK(f.pebble.cert_status(cert.serial_hex) == "Revoked");
    check_revoked_in_store(f, cert.id);
    CHECK(f.open()->list_events(cert.id, 1).front().detail.find("account key") != std::string::npos);

    // Revoking it again: the CA's alreadyRevoked problem, exit 1, one line.
    auto again = f.certa({"revoke", "revoke-account.example"});
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("urn:ietf:params:acme:error:alreadyRevoked") != std::string::npos);
}

TEST_CASE("revoke NAME by the stored certificate key") {
    IssueFixture f;
    auto cert = issue_one(f, "revoke-certkey.example");
    auto r = f.certa({"revoke", "revoke-certkey.example", "--use-cert-key"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    CHECK(f.pebble.cert_status(cert.serial_hex) == "Revoked");
    check_revoked_in_store(f, cert.id);
    CHECK(f.open()->list_events(cert.id, 1).front().detail.find("certificate key") != std::string::npos);
}

TEST_CASE("revoke --cert FILE --key FILE (certificate key from a file)") {
    IssueFixture f;
    auto cert = issue_one(f, "revoke-files.example");
    write_file(f.dir.file("cert.pem"), cert.chain_pem);
    write_file(f.dir.file("key.pem"), cert.key_pem);
    // A key that is not the certificate's is refused by the CA.
    auto wrong = issue_one(f, "other-key.example");
    write_file(f.dir.file("wrong.pem"), wrong.key_pem);
    auto refused = f.certa({"revoke", "--cert", f.dir.file("cert.pem"), "--key", f.dir.file("wrong.pem")});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("urn:ietf:params:acme:error:") != std::string::npos);
    CHECK(f.pebble.cert_status(cert.serial_hex) == "Valid");

    auto r = f.certa({"revoke", "--cert", f.dir.file("cert.pem"), "--key", f.dir.file("key.pem"), "--reason", "1"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    CHECK(f.pebble.cert_status(cert.serial_hex) == "Revoked");
    check_revoked_in_store(f, cert.id);
}

TEST_CASE("revoke --cert finds a stored certificate whose serial has its top bit set") {
    IssueFixture f;
    // Not issued by Pebble (its serials never set the top bit); stored as any import would.
    const auto cert = test::make_self_signed_with_serial({"top-bit.example"}, "9A0B1C2D3E4F50617283");
    storage::CertificateInput input;
    input.key_type = "ec256";
    input.key_pem = cert.key_pem;
    input.chain_pem = cert.chain_pem;
    const auto id = f.open()->put_certificate(input);
    write_file(f.dir.file("top-bit.pem"), cert.chain_pem);
    // --use-cert-key needs the stored row: without it the command stops at "not in the store" (exit 4).
    auto r = f.certa({"revoke", "--cert", f.dir.file("top-bit.pem"), "--use-cert-key", "--server",
                      f.pebble.directory_url(), "--ca-bundle", f.pebble.ca_bundle_path()});
    CHECK_MESSAGE(r.exit_code == 1, describe(r));  // found; Pebble refuses a certificate it never issued
    CHECK(r.err.find("not in the store") == std::string::npos);
    CHECK(r.err.find("urn:ietf:params:acme:error:") != std::string::npos);
    CHECK(f.open()->get_certificate(id)->status == storage::CertificateStatus::Active);
}

TEST_CASE("revoke usage errors") {
    IssueFixture f;
    CHECK(f.certa({"revoke"}).exit_code == 2);
    CHECK(f.certa({"revoke", "x.example", "--reason", "7"}).exit_code == 2);
    auto missing = f.certa({"revoke", "missing.example"});
    CHECK(missing.exit_code == 4);
    CHECK(missing.err.find("missing.example") != std::string::npos);
}
