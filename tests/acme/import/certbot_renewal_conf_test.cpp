// certbot's renewal conf reader (ConfigObj subset) and its mapping onto
// certa's IssueSettings: every setting is mapped or listed, never dropped.
#include "acme/import/CertbotRenewalConf.hpp"
#include "acme/import/CertbotSettings.hpp"
#include "acme/import/ImportError.hpp"
#include "TempDir.hpp"
#include "acme/issue/IssueSettingsCheck.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <algorithm>
#include <fstream>

using namespace certa::acme;

namespace {

constexpr const char* kConf = R"(# renew_before_expiry = 30 days
version = 2.1.0
archive_dir = /etc/letsencrypt/archive/a.example
cert = /etc/letsencrypt/live/a.example/cert.pem
renew_before_expiry = 20 days

# Options used in the renewal process
[renewalparams]
account = 0123abcd
server = https://acme-v02.api.letsencrypt.org/directory
authenticator = webroot
installer = None
webroot_path = /var/www/html,
key_type = rsa
rsa_key_size = 3072
renew_hook = "systemctl reload nginx # quoted, so not a comment"
pre_hook = "echo it's"
preferred_chain = ISRG Root X1
pref_challs = http-01,
reuse_key = True
dns_cloudflare_credentials = /root/cf.ini
config_dir = /etc/letsencrypt
[[webroot_map]]
a.example = /var/www/a
b.example = /var/www/b
[somethingelse]
x = 1
)";

bool has_note(const std::vector<ImportNote>& notes, const std::string& setting) {
    return std::any_of(notes.begin(), notes.end(), [&](const ImportNote& n) { return n.setting == setting; });
}

}  // namespace

TEST_CASE("ConfigObj values: quotes, lists, comments, sections") {
    const auto conf = CertbotRenewalConf::parse(kConf, "a.example.conf");
    REQUIRE(conf.top.size() == 4);
    CHECK(conf.top[0].key == "version");
    CHECK(conf.top[0].text() == "2.1.0");
    CHECK(conf.param("account") == "0123abcd");
    CHECK_FALSE(conf.param("installer"));  // None is unset
    CHECK_FALSE(conf.param("missing"));
    const ConfEntry* webroot = conf.param_entry("webroot_path");
    REQUIRE(webroot);
    CHECK(webroot->list);
    CHECK(webroot->items == std::vector<std::string>{"/var/www/html"});
    CHECK(conf.param("renew_hook") == "systemctl reload nginx # quoted, so not a comment");
    CHECK(conf.param("preferred_chain") == "ISRG Root X1");
    REQUIRE(conf.webroot_map.size() == 2);
    CHECK(conf.webroot_map[1].key == "b.example");
    CHECK(conf.webroot_map[1].text() == "/var/www/b");
    CHECK(conf.other_sections == std::vector<std::string>{"[somethingelse]"});
    CHECK(CertbotRenewalConf::parse("[renewalparams]\nk = v # comment\n", "f").param("k") == "v");
    CHECK(CertbotRenewalConf::parse("[renewalparams]\nk = a, b, c\n", "f").param("k") == "a, b, c");

    CHECK_THROWS_WITH_AS(CertbotRenewalConf::parse("[renewalparams]\nno equals sign\n", "x.conf"),
                         "x.conf:2: expected 'key = value'", ImportError);
    CHECK_THROWS_WITH_AS(CertbotRenewalConf::parse("k = 'open\n", "x.conf"), "x.conf:1: unterminated quote", ImportError);
    CHECK_THROWS_AS(CertbotRenewalConf::parse("[renewalparams\n", "x.conf"), ImportError);
}

TEST_CASE("certbot settings map onto IssueSettings; the rest is listed") {
    const auto conf = CertbotRenewalConf::parse(kConf, "a.example.conf");
    const auto m = certbot_settings(conf, "a.example", {"a.example", "b.example"}, "ec256", "/etc/letsencrypt", true);
    const auto& s = m.settings;
    CHECK(m.account_id == "0123abcd");
    CHECK(s.server == "https://acme-v02.api.letsencrypt.org/directory");
    CHECK(s.challenge == "http-01");
    CHECK(s.webroot == "/var/www/a");  // the first name's; the second directory is listed
    CHECK(s.key_type == "rsa3072");
    CHECK(s.preferred_chain == "ISRG Root X1");
    // certbot's own layout, continued: the config dir and the lineage's name, no plain export dir.
    CHECK(s.export_dirs.empty());
    CHECK(s.certbot_dirs == std::vector<std::string>{"/etc/letsencrypt"});
    CHECK(s.certbot_lineage == "a.example");
    // As certbot ran it: certa's DeployHook sets RENEWED_LINEAGE and RENEWED_DOMAINS.
    CHECK(s.deploy_hook == "systemctl reload nginx # quoted, so not a comment");
    CHECK_FALSE(has_note(m.notes, "archive_dir = /etc/letsencrypt/archive/a.example"));  // where certa writes too
    CHECK(s.renew_skip_reason.empty());
    CHECK(has_note(m.notes, "webroot_map with 2 directories"));
    CHECK(has_note(m.notes, "pre_hook = echo it's"));
    CHECK(has_note(m.notes, "reuse_key = True"));
    CHECK(has_note(m.notes, "renew_before_expiry = 20 days"));
    CHECK(has_note(m.notes, "dns_cloudflare_credentials = /root/cf.ini"));
    CHECK(has_note(m.notes, "[somethingelse]"));
    CHECK_FALSE(has_note(m.notes, "config_dir = /etc/letsencrypt"));  // certbot's own bookkeeping
    CHECK_FALSE(has_note(m.notes, "preferred_chain = ISRG Root X1"));  // mapped
    CHECK(validate(s).empty());
}

TEST_CASE("standalone, other authenticators, autorenew and key types") {
    auto map = [](const std::string& params, const std::string& current = "ec384") {
        const auto conf = CertbotRenewalConf::parse("[renewalparams]\nserver = https://ca.example/dir\n" + params, "t.conf");
        return certbot_settings(conf, "t", {"t.example"}, current, "/le", false);
    };
    auto m = map("authenticator = standalone\nhttp01_port = 8080\nhttp01_address = 127.0.0.1\nkey_type = ecdsa\n");
    CHECK(m.settings.http_port == 8080);
    CHECK(m.settings.http_address == "127.0.0.1");
    CHECK(m.settings.webroot.empty());
    CHECK(m.settings.key_type == "ec256");  // ecdsa without elliptic_curve: certbot's secp256r1
    CHECK(m.settings.export_dirs.empty());
    CHECK(m.settings.certbot_dirs.empty());         // --no-export: live/ and archive/ are left alone
    CHECK(m.settings.certbot_lineage == "t");       // a later `certa export --layout certbot` continues it
    CHECK(map("key_type = ecdsa\nelliptic_curve = secp384r1\n").settings.key_type == "ec384");
    CHECK(map("").settings.key_type == "ec384");  // no key_type: the current certificate's
    m = map("key_type = ecdsa\nelliptic_curve = secp521r1\n");
    CHECK(m.settings.key_type == "ec384");
    CHECK(has_note(m.notes, "elliptic_curve = secp521r1"));
    m = map("authenticator = nginx\ninstaller = nginx\n");
    CHECK(m.needs_challenge);
    CHECK(m.settings.renew_skip_reason.find("authenticator 'nginx'") != std::string::npos);
    CHECK(has_note(m.notes, "authenticator = nginx"));
    CHECK(has_note(m.notes, "installer = nginx"));
    m = map("autorenew = False\n");
    CHECK_FALSE(m.needs_challenge);
    CHECK(m.settings.renew_skip_reason == "autorenew is off in certbot's renewal conf");
    m = map("renew_hook = reload.sh\n");
    CHECK(m.settings.deploy_hook == "reload.sh");  // not exported: no RENEWED_LINEAGE
    CHECK_THROWS_AS(map("http01_port = 99999\n"), ImportError);
    CHECK_THROWS_AS(map("authenticator = webroot\n"), ImportError);
    CHECK(certbot_settings(CertbotRenewalConf::parse("", "e.conf"), "e", {"e.example"}, "ec256", "/x", false).settings.server ==
          kCertbotDefaultServer);
}

TEST_CASE("a conf naming another config dir's paths (a copied /etc/letsencrypt) says where certa renews into") {
    const auto conf = CertbotRenewalConf::parse(kConf, "a.example.conf");
    const auto m = certbot_settings(conf, "a.example", {"a.example"}, "ec256", "/srv/le-copy", true);
    CHECK(m.settings.certbot_dirs == std::vector<std::string>{"/srv/le-copy"});
    const auto said = [&](const std::string& setting, const std::string& reason) {
        return std::any_of(m.notes.begin(), m.notes.end(), [&](const ImportNote& n) {
            return n.kind == ImportNote::Kind::Note && n.setting == setting && n.reason == reason;
        });
    };
    CHECK(said("archive_dir = /etc/letsencrypt/archive/a.example",
               "certa renews into /srv/le-copy/archive/a.example (the directory imported)"));
    CHECK(said("cert = /etc/letsencrypt/live/a.example/cert.pem",
               "certa renews into /srv/le-copy/live/a.example (the directory imported)"));
}

TEST_CASE("a line with a control character, or an empty quoted key, is refused (issue 21, fuzzing)") {
    CHECK_THROWS_WITH_AS(CertbotRenewalConf::parse("[renewalparams]\nser\x1b[2Jver = x\n", "a.conf"),
                         "a.conf:2: a control character", ImportError);
    CHECK_THROWS_WITH_AS(CertbotRenewalConf::parse("[other\x07]\n", "a.conf"), "a.conf:1: a control character",
                         ImportError);
    CHECK_THROWS_WITH_AS(CertbotRenewalConf::parse("\"\" = x\n", "a.conf"), "a.conf:1: expected 'key = value'",
                         ImportError);
    CHECK(CertbotRenewalConf::parse("[renewalparams]\nwebroot_path =\t/var/www,\n", "a.conf").param("webroot_path") ==
          "/var/www");
}

TEST_CASE("dns-rfc2136 maps to --dns-update from the credentials file, whose path (not its secret) is recorded") {
    certa::test::TempDir dir;
    const std::string secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXh5eg==";
    const std::string ini = dir.file("rfc2136.ini");
    std::ofstream(ini) << "# Target DNS server\ndns_rfc2136_server = 192.0.2.53\ndns_rfc2136_port = 5353\n"
                          "dns_rfc2136_name = certbot.\ndns_rfc2136_secret = " << secret
                       << "\ndns_rfc2136_algorithm = HMAC-SHA512\n";
    REQUIRE(::chmod(ini.c_str(), 0600) == 0);
    auto map = [](const std::string& params) {
        const auto conf = CertbotRenewalConf::parse("[renewalparams]\nserver = https://ca.example/dir\n" + params, "t.conf");
        return certbot_settings(conf, "t", {"t.example"}, "ec256", "/le", false);
    };
    auto m = map("authenticator = dns-rfc2136\ndns_rfc2136_credentials = " + ini +
                 "\ndns_rfc2136_propagation_seconds = 30\n");
    CHECK(m.settings.challenge == "dns-01");
    CHECK(m.settings.dns_update == "192.0.2.53:5353");
    CHECK(m.settings.tsig_key_file == ini);
    CHECK(m.settings.dns_hook.empty());
    CHECK_FALSE(m.needs_challenge);
    CHECK(m.settings.renew_skip_reason.empty());
    CHECK(has_note(m.notes, "dns_rfc2136_propagation_seconds = 30"));
    CHECK_FALSE(has_note(m.notes, "dns_rfc2136_credentials = " + ini));  // mapped
    CHECK(validate(m.settings).empty());
    CHECK(m.settings.to_json().find(secret) == std::string::npos);
    // No credentials, a relative path, or a file others may read: one ImportError, no secret in it.
    CHECK_THROWS_AS(map("authenticator = dns-rfc2136\n"), ImportError);
    CHECK_THROWS_AS(map("authenticator = dns-rfc2136\ndns_rfc2136_credentials = rfc2136.ini\n"), ImportError);
    REQUIRE(::chmod(ini.c_str(), 0644) == 0);
    try {
        map("authenticator = dns-rfc2136\ndns_rfc2136_credentials = " + ini + "\n");
        FAIL("a world-readable credentials file was accepted");
    } catch (const ImportError& e) {
        CHECK(std::string(e.what()).find("chmod 600") != std::string::npos);
        CHECK(std::string(e.what()).find(secret) == std::string::npos);
    }
}
