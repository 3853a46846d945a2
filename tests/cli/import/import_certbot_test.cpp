// `certa import certbot` with Debian's real certbot (2.1): certbot registers
// and issues from a real Pebble (standalone and webroot http-01) into a temp
// config dir; certa imports it and `certa renew --force` renews both lineages
// against the same Pebble with certbot's account, into certbot's own layout:
// a new archive/NAME version after certbot's, live/NAME links re-pointed.
#include "tests/cli/import/ImportFixture.hpp"

#include "acme/protocol/Json.hpp"
#include "acme/request/IssueSettings.hpp"

#include <csignal>
#include <fstream>
#include <map>
#include <thread>

using namespace certa;
using namespace certa::test;
using namespace certa::test::import;
using certa::test::cli::read_file;
using certa::test::cli::write_file;

namespace {

constexpr const char* kKinds[] = {"cert", "chain", "fullchain", "privkey"};

struct CertbotFixture : ImportFixture {
    std::string etc = dir.file("letsencrypt");
    std::string www = dir.file("www");
    std::string hook_log = dir.file("hook.log");

    RunResult certbot(std::vector<std::string> args) const {
        std::vector<std::string> argv{"certbot", "certonly", "--config-dir", etc, "--work-dir", dir.file("work"),
                                      "--logs-dir", dir.file("logs"), "--server", pebble.directory_url(),
                                      "--agree-tos", "-m", "admin@example.com", "--no-eff-email", "-n"};
        argv.insert(argv.end(), args.begin(), args.end());
        RunOptions o;
        o.env["REQUESTS_CA_BUNDLE"] = pebble.ca_bundle_path();
        o.timeout = std::chrono::seconds(120);
        return run(argv, o);
    }

    // The web server answers (bounded: 100 tries, 100 ms apart).
    bool wait_for_web() const {
        for (int i = 0; i < 100; ++i) {
            if (run({"curl", "-s", "-o", "/dev/null", "http://127.0.0.1:" + port() + "/"}).exit_code == 0) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    }

    // live/NAME/KIND.pem of every kind is a link to archive/NAME/KINDversion.pem.
    void check_links(const std::string& lineage, int version) const {
        for (const char* kind : kKinds) {
            const std::filesystem::path link = etc + "/live/" + lineage + "/" + kind + ".pem";
            INFO(link.string());
            REQUIRE(std::filesystem::is_symlink(link));
            CHECK(std::filesystem::read_symlink(link) ==
                  std::filesystem::path("../../archive/" + lineage + "/" + kind + std::to_string(version) + ".pem"));
        }
    }

    // Every archive/NAME file of `version`, by name.
    std::map<std::string, std::string> archive(const std::string& lineage, int version) const {
        std::map<std::string, std::string> out;
        for (const char* kind : kKinds) {
            const std::string file = etc + "/archive/" + lineage + "/" + kind + std::to_string(version) + ".pem";
            out[file] = read_file(file);
        }
        return out;
    }

    bool unchanged(const std::map<std::string, std::string>& files) const {
        for (const auto& [file, content] : files)
            if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(file)) || read_file(file) != content)
                return false;
        return true;
    }

    std::string account_uri() const {
        const std::string accounts = etc + "/accounts";
        for (const auto& e : std::filesystem::recursive_directory_iterator(accounts))
            if (e.path().filename() == "regr.json")
                return acme::json::required_string(acme::json::parse_object(read_file(e.path().string())), "uri");
        return "";
    }
};

}  // namespace

TEST_CASE("certbot's accounts and lineages are imported once and renewed by certa with the same account") {
    CertbotFixture f;
    // 1. certbot itself: standalone on Pebble's http-01 port, with a deploy and a pre hook.
    const std::string hook = "echo \"$RENEWED_LINEAGE|$RENEWED_DOMAINS\" >> " + f.hook_log;
    auto cb = f.certbot({"--standalone", "--http-01-port", f.port(), "--http-01-address", "127.0.0.1",
                         "-d", "a.example.com", "-d", "b.example.com", "--deploy-hook", hook, "--pre-hook", "true"});
    REQUIRE_MESSAGE(cb.exit_code == 0, (cb.out + cb.err));
    // ... and webroot, served by a real web server on that port.
    std::filesystem::create_directories(f.www);
    auto web = std::make_unique<Background>(
        std::vector<std::string>{"python3", "-m", "http.server", f.port(), "--bind", "127.0.0.1", "--directory", f.www});
    REQUIRE(f.wait_for_web());
    cb = f.certbot({"--webroot", "-w", f.www, "-d", "w.example.com"});
    REQUIRE_MESSAGE(cb.exit_code == 0, (cb.out + cb.err));
    const std::string live_a = f.etc + "/live/a.example.com", live_w = f.etc + "/live/w.example.com";
    const std::string serial_a = serial_of_file(live_a + "/cert.pem"), serial_w = serial_of_file(live_w + "/cert.pem");
    // certbot's version 1 of each lineage, and its renewal conf: certa adds version 2 and touches neither.
    f.check_links("a.example.com", 1);
    f.check_links("w.example.com", 1);
    const auto archive_a1 = f.archive("a.example.com", 1), archive_w1 = f.archive("w.example.com", 1);
    const std::string conf_a = read_file(f.etc + "/renewal/a.example.com.conf");
    const std::string uri = f.account_uri();
    REQUIRE(!uri.empty());
    const std::vector<std::string> import{"import", "certbot", f.etc, "--ca-bundle", f.pebble.ca_bundle_path()};

    // 2. dry run: says what it would do, writes nothing (the store is not even created).
    auto dry = import;
    dry.push_back("--dry-run");
    auto r = f.certa(dry);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(contains(r.out, "dry run: would import 1 account and 2 certificates; nothing was written"));
    CHECK(contains(r.out, "certificate a.example.com (a.example.com, b.example.com; serial " + serial_a));
    CHECK_FALSE(f.store_exists());

    // 3. the import: account, both lineages, their settings; pre_hook listed, never dropped.
    r = f.certa(import);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(contains(r.out, "imported 1 account and 2 certificates"));
    CHECK(contains(r.out, "account " + uri + " (RS256, CA " + f.pebble.directory_url() + "): imported as account #1"));
    CHECK(contains(r.out, "unsupported: a.example.com: pre_hook = true: certa has no pre/post hooks"));
    CHECK(contains(r.out, "http-01 standalone on 127.0.0.1:" + f.port()));
    CHECK(contains(r.out, "http-01 webroot " + f.www));
    CHECK_FALSE(contains(r.out, "PRIVATE KEY"));
    auto store = f.store();
    const auto before = snapshot(*store);
    REQUIRE(store->list_accounts().size() == 1);
    const storage::Account account = store->list_accounts().front();
    CHECK(account.url == uri);
    CHECK(account.status == "valid");
    CHECK(account.server == f.pebble.directory_url());
    const auto a = store->find_active_certificate("b.example.com");
    REQUIRE(a);
    CHECK(a->serial_hex == serial_a);
    CHECK(a->account_id == account.id);
    CHECK(a->names == std::vector<std::string>{"a.example.com", "b.example.com"});
    const auto w = store->find_active_certificate("w.example.com");
    REQUIRE(w);
    CHECK(w->serial_hex == serial_w);
    CHECK(contains(w->settings_json, "\"webroot\":\"" + f.www + "\""));
    // Recorded as certbot's layout in its config dir, under the lineage's name; the hook as certbot ran it.
    const auto sa = acme::IssueSettings::from_json(a->settings_json);
    CHECK(sa.export_dirs.empty());
    CHECK(sa.certbot_dirs == std::vector<std::string>{f.etc});
    CHECK(sa.certbot_lineage == "a.example.com");
    CHECK(sa.deploy_hook == hook);
    CHECK(contains(r.out, "certbot layout " + live_a + ", deploy hook"));

    // 4. a second import changes nothing, and says so.
    r = f.certa(import);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(contains(r.out, "nothing to import: everything is already in the store"));
    CHECK(contains(r.out, "already in the store (account #" + std::to_string(account.id) + ")"));
    CHECK(snapshot(*store) == before);

    // 5. certa renews both against the same Pebble with certbot's account:
    // the webroot one while the web server runs, the standalone one on its port after.
    r = f.certa({"renew", "--force", "-d", "w.example.com"});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    CHECK(contains(r.out, "w.example.com: renewed"));
    web->stop(SIGTERM);
    r = f.certa({"renew", "--force", "-d", "a.example.com"});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    CHECK(contains(r.out, "a.example.com: renewed"));
    REQUIRE(store->list_accounts().size() == 1);  // no account was registered
    CHECK(store->list_accounts().front().url == uri);
    const auto a2 = store->find_active_certificate("a.example.com");
    const auto w2 = store->find_active_certificate("w.example.com");
    REQUIRE(a2);
    REQUIRE(w2);
    CHECK(a2->serial_hex != serial_a);
    CHECK(w2->serial_hex != serial_w);
    CHECK(a2->account_id == account.id);
    CHECK(w2->account_id == account.id);
    // Where the recorded settings say: certbot's layout, as certbot would renew it: version 2 in
    // archive/NAME (version 1 untouched), live/NAME links re-pointed to it (servers keep their paths),
    // and the deploy hook with certbot's variables.
    f.check_links("a.example.com", 2);
    f.check_links("w.example.com", 2);
    CHECK(f.unchanged(archive_a1));
    CHECK(f.unchanged(archive_w1));
    CHECK(serial_of_file(live_a + "/cert.pem") == a2->serial_hex);
    CHECK(serial_of_file(live_a + "/fullchain.pem") == a2->serial_hex);
    CHECK(serial_of_file(live_w + "/fullchain.pem") == w2->serial_hex);
    CHECK(serial_of_file(f.etc + "/archive/a.example.com/cert2.pem") == a2->serial_hex);
    CHECK(read_file(live_a + "/privkey.pem") == store->get_certificate(a2->id)->key_pem);
    CHECK(certa::test::file_mode(f.etc + "/archive/a.example.com/privkey2.pem") == 0600);
    CHECK(certa::test::file_mode(f.etc + "/archive/w.example.com/privkey2.pem") == 0600);
    CHECK_FALSE(std::filesystem::exists(f.etc + "/archive/a.example.com/cert3.pem"));
    CHECK(read_file(f.etc + "/renewal/a.example.com.conf") == conf_a);
    const std::string hooks = read_file(f.hook_log);
    CHECK(hooks == live_a + "|a.example.com b.example.com\n" + live_a + "|a.example.com b.example.com\n");

    // 6. the same files imported again after the renewal: certbot's old certificate is known (replaced).
    r = f.certa(import);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(contains(r.out, "nothing to import"));
}

TEST_CASE("lineages named apart from their primary name (--cert-name, certbot's -0001) renew into their own live/NAME") {
    CertbotFixture f;
    const auto certbot = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--standalone", "--http-01-port", f.port(), "--http-01-address", "127.0.0.1"});
        const auto cb = f.certbot(args);
        REQUIRE_MESSAGE(cb.exit_code == 0, (cb.out + cb.err));
    };
    const std::string hook = "echo \"$RENEWED_LINEAGE|$RENEWED_DOMAINS\" >> " + f.hook_log;
    certbot({"--cert-name", "custom-name", "-d", "c.example.com", "--deploy-hook", hook});
    // Two lineages with the same primary name: d.example.com and certbot's d.example.com-0001.
    certbot({"-d", "d.example.com"});
    certbot({"-d", "d.example.com", "--duplicate"});
    const std::string live_c = f.etc + "/live/custom-name";
    std::map<std::string, std::string> certbot_serial;
    for (const char* lineage : {"custom-name", "d.example.com", "d.example.com-0001"}) {
        f.check_links(lineage, 1);
        certbot_serial[lineage] = serial_of_file(f.etc + "/live/" + lineage + "/cert.pem");
    }
    REQUIRE(read_file(f.hook_log) == live_c + "|c.example.com\n");  // certbot ran the hook itself
    const auto archive_c1 = f.archive("custom-name", 1);
    const std::vector<std::string> import{"import", "certbot", f.etc, "--ca-bundle", f.pebble.ca_bundle_path()};

    // --no-export (another store): certa renews and runs the hook, and leaves live/ and archive/ alone.
    {
        const std::string other = f.dir.file("other.db");
        auto no_export = import;
        no_export.insert(no_export.begin(), {"--store", other});
        no_export.push_back("--no-export");
        auto r = run_certa(no_export);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(contains(r.out, "custom-name: renew_hook = " + hook + ": deploy hook without RENEWED_LINEAGE"));
        r = run_certa({"--store", other, "renew", "--force", "-d", "c.example.com"});
        REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
        CHECK(contains(r.out, "c.example.com: renewed"));
        f.check_links("custom-name", 1);
        CHECK_FALSE(std::filesystem::exists(f.etc + "/archive/custom-name/cert2.pem"));
        CHECK(f.unchanged(archive_c1));
        CHECK(read_file(f.hook_log) == live_c + "|c.example.com\n|c.example.com\n");
    }

    auto r = f.certa(import);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(contains(r.out, "imported 1 account and 3 certificates"));
    CHECK(contains(r.out, "certbot layout " + live_c + ", deploy hook"));
    CHECK(contains(r.out, "certbot layout " + f.etc + "/live/d.example.com-0001"));
    r = f.certa({"renew", "--force"});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    auto store = f.store();
    std::map<std::string, storage::CertificateRecord> by_lineage;
    for (auto& cert : store->list_certificates(storage::CertificateFilter{}))
        by_lineage[acme::IssueSettings::from_json(cert.settings_json).certbot_lineage] = cert;
    REQUIRE(by_lineage.size() == 3);
    for (const char* lineage : {"custom-name", "d.example.com", "d.example.com-0001"}) {
        INFO(lineage);
        REQUIRE(by_lineage.count(lineage));
        const auto& renewed = by_lineage[lineage];
        CHECK(renewed.serial_hex != certbot_serial[lineage]);  // renewed, not the imported row
        f.check_links(lineage, 2);
        CHECK(serial_of_file(f.etc + "/live/" + lineage + "/fullchain.pem") == renewed.serial_hex);
        CHECK(certa::test::file_mode(f.etc + "/archive/" + lineage + "/privkey2.pem") == 0600);
    }
    CHECK(by_lineage["custom-name"].names == std::vector<std::string>{"c.example.com"});
    CHECK(f.unchanged(archive_c1));
    // No lineage under a primary name certbot never used.
    CHECK_FALSE(std::filesystem::exists(f.etc + "/live/c.example.com"));
    CHECK_FALSE(std::filesystem::exists(f.etc + "/archive/c.example.com"));
    CHECK(read_file(f.hook_log) == live_c + "|c.example.com\n|c.example.com\n" + live_c + "|c.example.com\n");
}

TEST_CASE("a certbot lineage whose key does not match its certificate is refused and the store is unchanged") {
    CertbotFixture f;
    auto cb = f.certbot({"--standalone", "--http-01-port", f.port(), "--http-01-address", "127.0.0.1", "-d", "k.example.com"});
    REQUIRE_MESSAGE(cb.exit_code == 0, (cb.out + cb.err));
    const std::vector<std::string> import{"import", "certbot", f.etc, "--ca-bundle", f.pebble.ca_bundle_path()};
    // A store holding something already (another certificate), so "unchanged" is about real rows.
    auto r = f.certa({"import", "--cert", f.etc + "/live/k.example.com/fullchain.pem", "--key",
                      f.etc + "/live/k.example.com/privkey.pem", "--name", "k.example.com"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto store = f.store();
    const auto before = snapshot(*store);

    // A second lineage: k's certificate with another key.
    const std::string live = f.etc + "/live/bad.example.com";
    std::filesystem::create_directories(live);
    std::filesystem::copy_file(f.etc + "/live/k.example.com/fullchain.pem", live + "/fullchain.pem");
    auto other = run({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", live + "/privkey.pem"});
    REQUIRE(other.exit_code == 0);
    std::filesystem::copy_file(f.etc + "/renewal/k.example.com.conf", f.etc + "/renewal/bad.example.com.conf");
    r = f.certa(import);
    CHECK(r.exit_code == 6);
    CHECK(contains(r.err, "bad.example.com: certificate does not match its private key"));
    CHECK(certa::test::cli::line_count(r.err) == 1);
    CHECK_FALSE(contains(r.err, "PRIVATE"));
    CHECK(snapshot(*store) == before);  // k.example.com's lineage and the account were not written either
    CHECK(store->list_accounts().empty());

    // An unsupported setting is listed; a malformed JWK account key is refused (one line, exit 6).
    std::filesystem::remove_all(live);
    std::filesystem::remove(f.etc + "/renewal/bad.example.com.conf");
    {
        std::ofstream conf(f.etc + "/renewal/k.example.com.conf", std::ios::app);
        conf << "must_staple = True\nfancy_new_option = 42\n";
    }
    auto dry = import;
    dry.push_back("--dry-run");
    auto listed = f.certa(dry);
    CHECK(listed.exit_code == 0);
    CHECK(contains(listed.out, "unsupported: k.example.com: must_staple = True: certa does not request OCSP Must-Staple"));
    CHECK(contains(listed.out, "unknown: k.example.com: fancy_new_option = 42: unknown setting, not used"));
    for (const auto& e : std::filesystem::recursive_directory_iterator(f.etc + "/accounts"))
        if (e.path().filename() == "private_key.json") {
            std::filesystem::permissions(e.path(), std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
            write_file(e.path().string(), R"({"kty":"RSA","n":"AQAB","e":"AQAB"})");
        }
    r = f.certa(import);
    CHECK(r.exit_code == 6);
    CHECK(contains(r.err, "private_key.json: account key (JWK): member 'd' is missing (nothing was imported)"));
    CHECK(snapshot(*store) == before);
}

TEST_CASE("a dns-rfc2136 lineage maps to --dns-update and its credentials file; the secret never enters the store") {
    CertbotFixture f;
    auto cb = f.certbot({"--standalone", "--http-01-port", f.port(), "--http-01-address", "127.0.0.1", "-d", "rfc.example.com"});
    REQUIRE_MESSAGE(cb.exit_code == 0, (cb.out + cb.err));
    // As certbot-dns-rfc2136 writes it: the authenticator and the credentials file's path.
    const std::string conf_path = f.etc + "/renewal/rfc.example.com.conf";
    std::string conf = read_file(conf_path);
    const auto at = conf.find("authenticator = standalone");
    REQUIRE(at != std::string::npos);
    const std::string ini = f.dir.file("rfc2136.ini");
    conf.replace(at, std::string("authenticator = standalone").size(),
                 "authenticator = dns-rfc2136\ndns_rfc2136_credentials = " + ini + "\ndns_rfc2136_propagation_seconds = 10");
    write_file(conf_path, conf);
    const std::string secret = "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c=";
    write_file(ini, "dns_rfc2136_server = 127.0.0.1\ndns_rfc2136_port = 5353\ndns_rfc2136_name = certbot-key.\n"
                    "dns_rfc2136_secret = " + secret + "\ndns_rfc2136_algorithm = HMAC-SHA512\n");
    std::filesystem::permissions(ini, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

    auto r = f.certa({"import", "certbot", f.etc, "--ca-bundle", f.pebble.ca_bundle_path()});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    CHECK(contains(r.out, "dns_rfc2136_propagation_seconds = 10"));
    auto cert = f.store()->find_active_certificate("rfc.example.com");
    REQUIRE(cert);
    const auto s = acme::IssueSettings::from_json(cert->settings_json);
    CHECK(s.challenge == "dns-01");
    CHECK(s.dns_update == "127.0.0.1:5353");
    CHECK(s.tsig_key_file == ini);
    CHECK(s.renew_skip_reason.empty());
    CHECK_FALSE(contains(read_file(f.db) + read_file(f.db + "-wal"), secret));
    CHECK_FALSE(contains(r.out + r.err, secret));
}
