// `certa import` against hostile input (issue 21, items 5 and 7), no CA
// needed: each run is a real `certa` subprocess with a 20 s deadline.
//  - certbot trees that used to hang it: a 64 KiB JWK with a 188,000-bit RSA
//    modulus (a 20-minute key check), `accounts/root -> /` (a walk of the
//    whole filesystem) and twelve `-> .` links (12^8 paths), and a lego
//    tree with a link out of it. Each is refused quickly with exit 6 and one
//    line, and the store is not even created.
//  - `certa import --cert` of a certificate whose SAN holds a newline (it
//    would split `certa check`'s one-line output): refused like `certa
//    issue` refuses the name, exit 6, nothing stored.
#include "storage/KeyGeneration.hpp"
#include "storage/base/Base64Url.hpp"
#include "storage/base/OpenSsl.hpp"
#include "tests/cli/CliTestUtil.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <tuple>

using namespace certa;
using namespace certa::test;
using certa::test::cli::line_count;
using certa::test::cli::write_file;
namespace fs = std::filesystem;

namespace {

struct Hostile {
    TempDir dir;
    fs::path tree = dir.path() / "le";
    std::string db = dir.file("certa.db");

    Hostile() {
        fs::create_directories(tree / "renewal");
        fs::create_directories(tree / "accounts");
    }

    RunResult import(const std::string& kind) const {
        RunOptions o;
        o.timeout = std::chrono::seconds(20);
        return run_certa({"--store", db, "import", kind, tree.string()}, o);
    }
    void check_refused(const RunResult& r, const std::string& says) const {
        CHECK_FALSE(r.timed_out);
        CHECK(r.exit_code == 6);
        CHECK(line_count(r.err) == 1);
        CHECK_MESSAGE(r.err.find(says) != std::string::npos, r.err);
        CHECK_FALSE(fs::exists(db));
    }
};

std::string random_b64(std::size_t bytes) {
    std::string raw(bytes, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size()));
    raw[0] = '\xff';
    return base64url_encode(raw);
}

// A self-signed certificate whose SAN holds `raw` as one dNSName, byte for byte.
std::pair<std::string, std::string> cert_with_raw_san(const std::string& raw) {
    ossl::PKeyPtr key = storage::generate_key("ec256");
    ossl::X509Ptr cert(X509_new());
    REQUIRE(cert);
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
    X509_NAME* subject = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("raw"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), subject);
    X509_set_pubkey(cert.get(), key.get());
    // The name, set from raw bytes (a config string "DNS:..." would stop at the newline).
    ossl::GeneralNamesPtr names(GENERAL_NAMES_new());
    std::unique_ptr<GENERAL_NAME, ossl::Deleter<GENERAL_NAME, GENERAL_NAME_free>> name(GENERAL_NAME_new());
    REQUIRE((names && name));
    name->type = GEN_DNS;
    name->d.dNSName = ASN1_IA5STRING_new();
    REQUIRE(name->d.dNSName);
    ASN1_STRING_set(name->d.dNSName, raw.data(), static_cast<int>(raw.size()));
    REQUIRE(sk_GENERAL_NAME_push(names.get(), name.get()) > 0);
    name.release();  // the stack owns it now
    REQUIRE(X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) == 1);
    REQUIRE(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0);
    return {ossl::to_pem(cert.get()), ossl::to_pem(key.get())};
}

}  // namespace

TEST_CASE("a 188,000-bit RSA account key (64 KiB JWK) is refused before any key operation") {
    Hostile h;
    const fs::path account = h.tree / "accounts" / "acme-v02.api.letsencrypt.org" / "directory" / "0123abcd";
    fs::create_directories(account);
    write_file((account / "regr.json").string(),
               R"({"body":{"status":"valid","contact":[]},"uri":"https://acme-v02.api.letsencrypt.org/acme/acct/1"})");
    const std::string n = random_b64(23500);  // 188,000 bits
    write_file((account / "private_key.json").string(),
               R"({"kty":"RSA","e":"AQAB","n":")" + n + R"(","d":")" + random_b64(23400) + R"("})");
    REQUIRE(fs::file_size(account / "private_key.json") < 64 * 1024);
    const auto started = std::chrono::steady_clock::now();
    h.check_refused(h.import("certbot"), "an RSA key over 8192 bits");
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
}

TEST_CASE("a link out of the tree (certbot's accounts/root -> /, a lego CA dir -> /etc) is refused, not walked") {
    for (const auto& [kind, target, link] : {std::tuple{"certbot", "/", "root"},
                                             std::tuple{"lego", "/etc", "acme-v02.api.letsencrypt.org"}}) {
        CAPTURE(kind);
        Hostile h;
        fs::create_directory_symlink(target, h.tree / "accounts" / link);
        h.check_refused(h.import(kind), "it leads out of");
    }
}

TEST_CASE("twelve '-> .' links are a loop: refused, not walked 12^8 ways") {
    Hostile h;
    for (int i = 0; i < 12; ++i) fs::create_directory_symlink(".", h.tree / "accounts" / ("l" + std::to_string(i)));
    h.check_refused(h.import("certbot"), "symbolic link loop");
}

TEST_CASE("a SAN with a newline is refused like certa issue refuses the name; nothing is stored") {
    TempDir dir;
    const std::string db = dir.file("certa.db");
    const auto [chain, key] = cert_with_raw_san("evil\n.example.com");
    write_file(dir.file("fullchain.pem"), chain);
    write_file(dir.file("privkey.pem"), key);
    const auto r = run_certa({"--store", db, "import", "--cert", dir.file("fullchain.pem"), "--key", dir.file("privkey.pem")});
    CHECK(r.exit_code == 6);
    CHECK(line_count(r.err) == 1);
    CHECK_MESSAGE(r.err.find("invalid name 'evil\\x0a.example.com'") != std::string::npos, r.err);
    CHECK_FALSE(fs::exists(db));

    // A label with a '-' at its edge: what `certa issue` refuses, import refuses too.
    const auto [chain2, key2] = cert_with_raw_san("-www.example.com");
    write_file(dir.file("fullchain.pem"), chain2);
    write_file(dir.file("privkey.pem"), key2);
    const auto r2 = run_certa({"--store", db, "import", "--cert", dir.file("fullchain.pem"), "--key", dir.file("privkey.pem")});
    CHECK(r2.exit_code == 6);
    CHECK(r2.err.find("a label starts or ends with '-'") != std::string::npos);
    CHECK_FALSE(fs::exists(db));
}
