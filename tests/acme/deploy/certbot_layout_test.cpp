// certbot's live/ + archive/ layout (CertbotLayout): relative links to
// versioned archive files, certbot 2.1's modes, a version per new
// certificate (old ones kept), none for the same certificate again.
#include "acme/deploy/CertbotLayout.hpp"
#include "acme/files/LocalFileError.hpp"

#include "TempDir.hpp"
#include "TestCertificates.hpp"

#include "TestFiles.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace certa;
namespace fs = std::filesystem;

using certa::test::slurp;

namespace {

storage::CertificateRecord record(std::int64_t id, std::vector<std::string> names, const test::TestCert& issued) {
    storage::CertificateRecord cert;
    cert.id = id;
    cert.names = std::move(names);
    cert.key_pem = issued.key_pem;
    cert.chain_pem = issued.chain_pem;
    return cert;
}

}  // namespace

TEST_CASE("certbot layout: relative links into version 1, certbot's modes, README") {
    test::TempDir dir;
    const fs::path config = dir.path() / "letsencrypt";
    const auto ca = test::make_ca();
    const auto issued = test::make_issued({"www.example.test", "example.test"}, "ec256", ca);
    const auto written = acme::write_certbot_lineage(record(7, {"www.example.test", "example.test"}, issued), config);
    CHECK(written.version == 1);
    CHECK(written.new_version);
    CHECK(written.live_dir == config / "live" / "www.example.test");

    const fs::path live = config / "live" / "www.example.test";
    const fs::path archive = config / "archive" / "www.example.test";
    for (const char* kind : {"cert", "chain", "fullchain", "privkey"}) {
        const fs::path link = live / (std::string(kind) + ".pem");
        REQUIRE(fs::is_symlink(link));
        CHECK(fs::read_symlink(link) == fs::path("../../archive/www.example.test/" + std::string(kind) + "1.pem"));
        CHECK(fs::exists(archive / (std::string(kind) + "1.pem")));
    }
    const std::string leaf = issued.chain_pem.substr(0, issued.chain_pem.find("-----END CERTIFICATE-----") + 26);
    CHECK(slurp(live / "cert.pem") == leaf);
    CHECK(slurp(live / "chain.pem") == ca.cert_pem);
    CHECK(slurp(live / "fullchain.pem") == leaf + ca.cert_pem);
    CHECK(slurp(live / "privkey.pem") == issued.key_pem);
    CHECK(test::file_mode(config / "live", test::Links::NoFollow) == 0700);
    CHECK(test::file_mode(config / "archive", test::Links::NoFollow) == 0700);
    CHECK(test::file_mode(live, test::Links::NoFollow) == 0755);
    CHECK(test::file_mode(archive, test::Links::NoFollow) == 0755);
    CHECK(test::file_mode(archive / "privkey1.pem", test::Links::NoFollow) == 0600);
    for (const char* f : {"cert1.pem", "chain1.pem", "fullchain1.pem"}) CHECK(test::file_mode(archive / f, test::Links::NoFollow) == 0644);
    CHECK(slurp(live / "README").find("`privkey.pem`  : the private key for your certificate.") != std::string::npos);
    CHECK(slurp(config / "live" / "README").find("`[cert name]/privkey.pem`") != std::string::npos);
}

TEST_CASE("certbot layout: a new certificate is version 2, the same one again adds none, version 1 stays") {
    test::TempDir dir;
    const fs::path config = dir.path() / "le";
    const auto ca = test::make_ca();
    const auto first = test::make_issued({"a.example.test"}, "ec256", ca);
    const auto second = test::make_issued({"a.example.test"}, "ec256", ca);
    REQUIRE(acme::write_certbot_lineage(record(1, {"a.example.test"}, first), config).version == 1);

    const auto again = acme::write_certbot_lineage(record(1, {"a.example.test"}, first), config);
    CHECK(again.version == 1);
    CHECK_FALSE(again.new_version);
    CHECK_FALSE(fs::exists(config / "archive" / "a.example.test" / "cert2.pem"));

    const auto renewed = acme::write_certbot_lineage(record(2, {"a.example.test"}, second), config);
    CHECK(renewed.version == 2);
    CHECK(renewed.new_version);
    const fs::path live = config / "live" / "a.example.test";
    CHECK(fs::read_symlink(live / "privkey.pem") == fs::path("../../archive/a.example.test/privkey2.pem"));
    CHECK(slurp(live / "privkey.pem") == second.key_pem);
    // The old version is kept, untouched.
    CHECK(slurp(config / "archive" / "a.example.test" / "privkey1.pem") == first.key_pem);

    // A link someone removed is put back by the next export, without a new version.
    fs::remove(live / "chain.pem");
    const auto repaired = acme::write_certbot_lineage(record(2, {"a.example.test"}, second), config);
    CHECK(repaired.version == 2);
    CHECK_FALSE(repaired.new_version);
    CHECK(fs::read_symlink(live / "chain.pem") == fs::path("../../archive/a.example.test/chain2.pem"));
}

TEST_CASE("certbot layout: a wildcard's lineage is its base name; a recorded lineage name wins") {
    const auto cert = record(3, {"*.wild.example.test", "wild.example.test"}, test::make_self_signed({"*.wild.example.test"}));
    CHECK(acme::certbot_lineage_name(cert) == "wild.example.test");
    CHECK(acme::certbot_lineage_name(cert, "wild.example.test-0001") == "wild.example.test-0001");
    CHECK(acme::certbot_live_dir("/etc/letsencrypt/", "custom-name") == fs::path("/etc/letsencrypt/live/custom-name"));
    for (const char* bad : {"..", "a/b"}) CHECK_THROWS_AS(acme::certbot_lineage_name(cert, bad), acme::LocalFileError);
    CHECK(acme::is_certbot_lineage_name("example.com-0001"));
    CHECK_FALSE(acme::is_certbot_lineage_name(std::string("a\0b", 3)));
}

TEST_CASE("certbot layout: a recorded lineage continues after the highest version of any kind certbot left") {
    test::TempDir dir;
    const fs::path config = dir.path() / "le";
    const fs::path archive = config / "archive" / "custom-name";
    const auto ca = test::make_ca();
    const auto issued = test::make_issued({"c.example.test"}, "ec256", ca);
    // certbot's lineage custom-name: versions 1 and 2, and a privkey3.pem a crashed run left alone.
    fs::create_directories(archive);
    for (const char* kind : {"cert", "chain", "fullchain", "privkey"})
        for (int n : {1, 2}) std::ofstream(archive / (std::string(kind) + std::to_string(n) + ".pem")) << kind << n << '\n';
    std::ofstream(archive / "privkey3.pem") << "partial\n";
    const auto written = acme::write_certbot_lineage(record(5, {"c.example.test"}, issued), config, "custom-name");
    CHECK(written.version == 4);
    CHECK(written.live_dir == config / "live" / "custom-name");
    CHECK(fs::read_symlink(written.live_dir / "fullchain.pem") == fs::path("../../archive/custom-name/fullchain4.pem"));
    CHECK(slurp(written.live_dir / "privkey.pem") == issued.key_pem);
    CHECK(slurp(archive / "privkey3.pem") == "partial\n");
    CHECK(slurp(archive / "cert2.pem") == "cert2\n");
    CHECK_FALSE(fs::exists(config / "live" / "c.example.test"));  // not the primary name's lineage
}

TEST_CASE("certbot layout: a planted link in place of live/NAME is refused, nothing written through it") {
    test::TempDir dir;
    const fs::path config = dir.path() / "le";
    fs::create_directories(config / "live");
    fs::permissions(config / "live", fs::perms::all);  // anyone may write: a link in it is not followed
    const fs::path elsewhere = dir.path() / "elsewhere";
    fs::create_directory(elsewhere);
    fs::create_directory_symlink(elsewhere, config / "live" / "b.example.test");
    const auto cert = record(4, {"b.example.test"}, test::make_self_signed({"b.example.test"}));
    CHECK_THROWS_AS(acme::write_certbot_lineage(cert, config), acme::LocalFileError);
    CHECK(fs::is_empty(elsewhere));
}
