// The TSIG key file: tsig-keygen's format and certbot's dns-rfc2136
// credentials, strict parsing with one clear error, file modes, and no
// error that shows the secret.
#include "TempDir.hpp"
#include "acme/challenge/dns/TsigKey.hpp"
#include "acme/files/LocalFileError.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>

using namespace certa;

namespace {

const std::string kSecret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXh5eg==";

std::string error_of(const std::string& text) {
    try {
        acme::parse_tsig_key_file(text, "/k");
    } catch (const acme::LocalFileError& e) {
        return e.what();
    }
    return "";
}

std::string write(const test::TempDir& dir, const std::string& text, mode_t mode) {
    const std::string path = dir.file("key");
    std::ofstream(path, std::ios::trunc) << text;
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    return path;
}

}  // namespace

TEST_CASE("tsig-keygen's output is read as written") {
    const auto k = acme::parse_tsig_key_file(
        "key \"Certa-Key\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + kSecret + "\";\n};\n", "/k");
    CHECK(k.key.name == "certa-key.");
    CHECK(k.key.algorithm == "hmac-sha256");
    CHECK(k.key.secret == kSecret);
    CHECK_FALSE(k.server);
    // Comments, one line, sha512.
    const auto k2 = acme::parse_tsig_key_file(
        "# made by hand\nkey upd.example. { algorithm HMAC-SHA512; secret \"" + kSecret + "\"; }; // end\n", "/k");
    CHECK(k2.key.name == "upd.example.");
    CHECK(k2.key.algorithm == "hmac-sha512");
}

TEST_CASE("a malformed key file is one error naming the file and the problem, never the secret") {
    const std::string body = "algorithm hmac-sha256; secret \"" + kSecret + "\";";
    CHECK(error_of("").find("expected 'key'") != std::string::npos);
    CHECK(error_of("key \"k\" { " + body + " }").find("expected ';'") != std::string::npos);
    CHECK(error_of("key \"k\" { algorithm hmac-md5; secret \"" + kSecret + "\"; };").find("hmac-md5") !=
          std::string::npos);
    CHECK(error_of("key \"k\" { secret \"" + kSecret + "\"; };").find("no algorithm") != std::string::npos);
    CHECK(error_of("key \"k\" { algorithm hmac-sha256; secret \"not base64!\"; };").find("not base64") !=
          std::string::npos);
    CHECK(error_of("key \"k\" { " + body + " };\nkey \"j\" { " + body + " };").find("more than one") !=
          std::string::npos);
    CHECK(error_of("key \"k\" { " + body + " secret \"" + kSecret + "\"; };").find("repeated") != std::string::npos);
    for (const std::string& text :
         {"key \"k\" { " + body + " }", "key \"k\" { " + body + " };\nkey \"j\" { " + body + " };",
          "key \"k\" { algorithm hmac-sha1; secret \"" + kSecret + "\"; };"}) {
        const std::string e = error_of(text);
        CHECK(e.rfind("TSIG key file /k: ", 0) == 0);
        CHECK(e.find(kSecret) == std::string::npos);
        CHECK(e.find('\n') == std::string::npos);
    }
}

TEST_CASE("certbot's dns-rfc2136 credentials file gives the key and the server") {
    const auto k = acme::parse_tsig_key_file("# certbot\ndns_rfc2136_server = 192.0.2.53\ndns_rfc2136_port = 5353\n"
                                             "dns_rfc2136_name = certbot-key.\ndns_rfc2136_secret = " + kSecret +
                                                 "\ndns_rfc2136_algorithm = HMAC-SHA512\n",
                                             "/k");
    CHECK(k.key.name == "certbot-key.");
    CHECK(k.key.algorithm == "hmac-sha512");
    CHECK(k.key.secret == kSecret);
    REQUIRE(k.server);
    CHECK(*k.server == "192.0.2.53");
    CHECK(k.port == 5353);
    // certbot's default algorithm (HMAC-MD5) is refused, not guessed.
    CHECK(error_of("dns_rfc2136_server = 192.0.2.53\ndns_rfc2136_name = k\ndns_rfc2136_secret = " + kSecret)
              .find("HMAC-MD5") != std::string::npos);
    CHECK(error_of("dns_rfc2136_server = 192.0.2.53\ndns_rfc2136_name = k\ndns_rfc2136_algorithm = HMAC-SHA256\n"
                   "dns_rfc2136_secret = " + kSecret + "\ndns_rfc2136_port = 99999")
              .find("not a port") != std::string::npos);
}

TEST_CASE("the key file must be the user's and unreadable by group and others") {
    test::TempDir dir;
    const std::string text = "key \"k\" { algorithm hmac-sha256; secret \"" + kSecret + "\"; };\n";
    CHECK(acme::read_tsig_key_file(write(dir, text, 0600)).key.name == "k.");
    CHECK(acme::read_tsig_key_file(write(dir, text, 0400)).key.name == "k.");
    for (mode_t mode : {0640, 0604, 0660}) {
        try {
            acme::read_tsig_key_file(write(dir, text, mode));
            FAIL("mode accepted: ", mode);
        } catch (const acme::LocalFileError& e) {
            CHECK(std::string(e.what()).find("chmod 600") != std::string::npos);
        }
    }
    CHECK_THROWS_AS(acme::read_tsig_key_file(dir.file("missing")), acme::LocalFileError);
}
