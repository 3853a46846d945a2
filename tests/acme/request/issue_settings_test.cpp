// IssueSettings: the renewal settings recorded with each certificate, their
// JSON round trip, defaults for members an older certa did not write, refusal
// of malformed documents, and validate().
#include "acme/issue/IssueSettingsCheck.hpp"
#include "acme/protocol/Json.hpp"
#include "acme/request/IssueSettings.hpp"

#include <doctest/doctest.h>

using namespace certa::acme;

namespace {

IssueSettings every_member_set() {
    IssueSettings s;
    s.server = "https://ca.example/dir";
    s.ca_bundle = "/etc/certa/ca.pem";
    s.challenge = "dns-01";
    s.key_type = "rsa3072";
    s.profile = "shortlived";
    s.preferred_chain = "ISRG Root X2";
    s.contact = {"mailto:a@example.com", "mailto:b@example.com"};
    s.http_port = 8080;
    s.http_address = "127.0.0.1";
    s.webroot = "/var/www";
    s.dns_hook = "/usr/local/bin/dns-hook";
    s.dns_propagation_timeout = 300;
    s.dns_resolvers = {"127.0.0.1:8053", "[::1]:53"};
    s.tls_port = 5001;
    s.export_dirs = {"/etc/ssl/a", "/etc/ssl/b"};
    s.deploy_hook = "systemctl reload nginx";
    s.agree_tos = true;
    s.certbot_dirs = {"/etc/letsencrypt"};
    s.certbot_lineage = "example.com-0001";
    s.deploy_targets = {"haproxy:/run/haproxy/admin.sock:/etc/haproxy/www.pem", "nginx"};
    s.deploy_checks = {"127.0.0.1:8443", "[::1]:443"};
    s.dns_update = "192.0.2.53:5353";
    s.tsig_key_file = "/etc/certa/tsig.key";
    return s;
}

void check_equal(const IssueSettings& a, const IssueSettings& b) {
    CHECK(a.server == b.server);
    CHECK(a.ca_bundle == b.ca_bundle);
    CHECK(a.challenge == b.challenge);
    CHECK(a.key_type == b.key_type);
    CHECK(a.profile == b.profile);
    CHECK(a.preferred_chain == b.preferred_chain);
    CHECK(a.contact == b.contact);
    CHECK(a.http_port == b.http_port);
    CHECK(a.http_address == b.http_address);
    CHECK(a.webroot == b.webroot);
    CHECK(a.dns_hook == b.dns_hook);
    CHECK(a.dns_propagation_timeout == b.dns_propagation_timeout);
    CHECK(a.dns_resolvers == b.dns_resolvers);
    CHECK(a.tls_port == b.tls_port);
    CHECK(a.export_dirs == b.export_dirs);
    CHECK(a.deploy_hook == b.deploy_hook);
    CHECK(a.agree_tos == b.agree_tos);
    CHECK(a.certbot_dirs == b.certbot_dirs);
    CHECK(a.certbot_lineage == b.certbot_lineage);
    CHECK(a.deploy_targets == b.deploy_targets);
    CHECK(a.deploy_checks == b.deploy_checks);
    CHECK(a.dns_update == b.dns_update);
    CHECK(a.tsig_key_file == b.tsig_key_file);
}

}  // namespace

TEST_CASE("every member survives a JSON round trip") {
    const IssueSettings s = every_member_set();
    const std::string text = s.to_json();
    check_equal(IssueSettings::from_json(text), s);
    // Serializing what was parsed gives the same text (stable member order).
    CHECK(IssueSettings::from_json(text).to_json() == text);
}

TEST_CASE("defaults survive a round trip, and flags that are off are not written") {
    const IssueSettings d;
    const std::string text = d.to_json();
    CHECK(text.find("agree_tos") == std::string::npos);
    CHECK(text.find("deploy_pending") == std::string::npos);  // state lives in its own column
    check_equal(IssueSettings::from_json(text), d);
}

TEST_CASE("members an older certa did not write keep their defaults") {
    const IssueSettings s = IssueSettings::from_json(R"({"server":"https://ca.example/dir","challenge":"tls-alpn-01"})");
    CHECK(s.server == "https://ca.example/dir");
    CHECK(s.challenge == "tls-alpn-01");
    const IssueSettings d;
    CHECK(s.key_type == d.key_type);
    CHECK(s.http_port == d.http_port);
    CHECK(s.dns_propagation_timeout == d.dns_propagation_timeout);
    CHECK(s.export_dirs.empty());
    CHECK_FALSE(s.agree_tos);
    CHECK_FALSE(s.has_deploy_step());
}

TEST_CASE("the certbot lineage name: round trip, absent in older rows, written only when set, checked") {
    IssueSettings s;
    s.server = "https://ca.example/dir";
    s.certbot_dirs = {"/etc/letsencrypt"};
    CHECK(s.to_json().find("certbot_lineage") == std::string::npos);
    s.certbot_lineage = "custom-name";
    const std::string text = s.to_json();
    CHECK(text.find(R"("certbot_lineage":"custom-name")") != std::string::npos);
    const IssueSettings back = IssueSettings::from_json(text);
    CHECK(back.certbot_lineage == "custom-name");
    CHECK(back.certbot_dirs == s.certbot_dirs);
    CHECK(back.to_json() == text);
    // A row an older certa wrote (certa export --layout certbot): no name, so the primary name.
    const IssueSettings old = IssueSettings::from_json(
        R"({"server":"https://ca.example/dir","certbot_dirs":["/etc/letsencrypt"],"deploy_hook":"export RENEWED_LINEAGE='/x'; reload"})");
    CHECK(old.certbot_lineage.empty());
    CHECK(old.deploy_hook == "export RENEWED_LINEAGE='/x'; reload");  // an old imported hook keeps its string
    CHECK(old.to_json().find("certbot_lineage") == std::string::npos);
    CHECK_THROWS_AS(IssueSettings::from_json(R"({"certbot_lineage":7})"), json::JsonError);
    CHECK(validate(s).empty());
    for (const char* bad : {"..", ".", "a/b", "../etc"}) {
        s.certbot_lineage = bad;
        CHECK(validate(s).find("certbot lineage '" + std::string(bad) + "' is not a directory name") != std::string::npos);
    }
}

TEST_CASE("malformed settings are refused, not half-read") {
    CHECK_THROWS_AS(IssueSettings::from_json("not json"), json::JsonError);
    CHECK_THROWS_AS(IssueSettings::from_json("[]"), json::JsonError);
    CHECK_THROWS_AS(IssueSettings::from_json(R"({"http_port":70000})"), json::JsonError);
    CHECK_THROWS_AS(IssueSettings::from_json(R"({"tls_port":-1})"), json::JsonError);
    CHECK_THROWS_AS(IssueSettings::from_json(R"({"dns_propagation_timeout":86401})"), json::JsonError);
    CHECK_THROWS_AS(IssueSettings::from_json(R"({"server":42})"), json::JsonError);
}

TEST_CASE("validate names the first problem in one line") {
    IssueSettings s;
    CHECK(validate(s).find("--server") != std::string::npos);
    s.server = "https://ca.example/dir";
    CHECK(validate(s).empty());
    s.challenge = "http-02";
    CHECK(validate(s).find("unknown challenge type 'http-02'") != std::string::npos);
    s.challenge = "dns-01";
    CHECK(validate(s).find("--dns-hook") != std::string::npos);
    s.dns_hook = "hook";
    CHECK(validate(s).empty());
    s.key_type = "ed25519";
    CHECK(validate(s).find("unknown key type 'ed25519'") != std::string::npos);
    s.key_type = "ec384";
    s.deploy_targets = {"apache"};
    CHECK(validate(s).find("--deploy: expected haproxy:SOCKET") != std::string::npos);
    s.deploy_targets = {"nginx"};
    s.deploy_checks = {"127.0.0.1"};
    CHECK(validate(s).find("--deploy-check") != std::string::npos);
    s.deploy_checks = {"none"};
    CHECK(validate(s).empty());
    s.dns_resolvers = {"not an address"};
    CHECK_FALSE(validate(s).empty());
    for (const auto& problem : {validate(s)}) CHECK(problem.find('\n') == std::string::npos);
}

TEST_CASE("RFC 2136 settings: written only when set, the pair checked together and against the hook") {
    IssueSettings s;
    s.server = "https://ca.example/dir";
    s.challenge = "dns-01";
    CHECK(s.to_json().find("dns_update") == std::string::npos);
    CHECK(validate(s).find("--dns-update HOST --tsig-key-file FILE") != std::string::npos);
    s.dns_update = "127.0.0.1:5353";
    CHECK(validate(s) == "--dns-update and --tsig-key-file go together");
    s.tsig_key_file = "/etc/certa/tsig.key";
    CHECK(validate(s).empty());
    s.dns_hook = "/bin/hook";
    CHECK(validate(s) == "give --dns-hook or --dns-update, not both");
    s.dns_hook.clear();
    s.dns_update = "[::1";
    CHECK(validate(s).rfind("--dns-update '[::1'", 0) == 0);
    s.dns_update = "[::1]:53";
    CHECK(validate(s).empty());
}

TEST_CASE("the ordered CA list: recorded when there are several, read back; older rows have only server") {
    IssueSettings s;
    s.server = "https://a.example/dir";
    s.servers = {"https://a.example/dir", "https://b.example/dir"};
    const IssueSettings back = IssueSettings::from_json(s.to_json());
    CHECK(back.servers == s.servers);
    CHECK(back.server == "https://a.example/dir");
    CHECK(back.ca_list() == s.servers);
    CHECK(back.ca_list_text() == "https://a.example/dir, then https://b.example/dir");

    // A row written before the list existed (or with one --server): the list is its server.
    const IssueSettings old = IssueSettings::from_json(R"({"server":"https://a.example/dir","challenge":"http-01"})");
    CHECK(old.servers.empty());
    CHECK(old.ca_list() == std::vector<std::string>{"https://a.example/dir"});
    IssueSettings one;
    one.server = "https://a.example/dir";
    CHECK(one.to_json().find("servers") == std::string::npos);  // one CA: the JSON stays as before

    // validate(): every CA is https, none twice, the list starts with server.
    IssueSettings bad = s;
    bad.servers.push_back("http://c.example/dir");
    CHECK(validate(bad).find("https:// URL") != std::string::npos);
    bad = s;
    bad.servers.push_back("https://a.example/dir");
    CHECK(validate(bad).find("given twice") != std::string::npos);
    CHECK(validate(s).empty());
}
