#include "acme/import/CertbotSettings.hpp"

#include "acme/challenge/dns/TsigKey.hpp"
#include "acme/import/ImportError.hpp"
#include "acme/files/LocalFileError.hpp"
#include "storage/net/HostPort.hpp"
#include "acme/import/ImportedCertificate.hpp"
#include "storage/ChallengeType.hpp"
#include "storage/KeyType.hpp"
#include "storage/base/Text.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace certa::acme {

namespace {

using Kind = ImportNote::Kind;

// [renewalparams] keys this mapping reads (each handled below).
const std::set<std::string> kMapped = {
    "account", "server", "authenticator", "installer", "http01_port", "http01_address", "webroot_path",
    "key_type", "rsa_key_size", "elliptic_curve", "renew_hook", "pre_hook", "post_hook", "preferred_chain",
    "preferred_profile", "required_profile", "pref_challs", "must_staple", "reuse_key", "allow_subset_of_names",
    "autorenew", "no_verify_ssl", "manual_auth_hook", "manual_cleanup_hook", "dns_rfc2136_credentials",
    "dns_rfc2136_propagation_seconds"};
// certbot's own bookkeeping: where it keeps its files, how it logs. Nothing of a renewal.
const std::set<std::string> kCertbotOnly = {"config_dir", "work_dir", "logs_dir", "strict_permissions",
                                            "manual_public_ip_logging_ok", "user_agent", "user_agent_comment"};
// Top-level keys: the lineage's file layout, read from live/NAME instead.
const std::set<std::string> kTopKnown = {"version", "archive_dir", "cert", "privkey", "chain", "fullchain"};

bool truthy(const std::string& value) {
    const std::string v = storage::lowercase(value);
    return v == "true" || v == "1" || v == "yes" || v == "on";
}

struct Mapper {
    const CertbotRenewalConf& conf;
    const std::string& lineage;
    CertbotLineageSettings out;

    void note(Kind kind, const std::string& setting, const std::string& reason) {
        out.notes.push_back({kind, lineage, setting, reason});
    }
    std::optional<std::string> get(const char* key) const { return conf.param(key); }
    std::string shown(const char* key) const { return std::string(key) + " = " + get(key).value_or(""); }

    std::uint16_t port(const char* key, std::uint16_t fallback) {
        const auto text = get(key);
        if (!text || text->empty()) return fallback;
        int value = -1;
        if (text->size() <= 5 && std::all_of(text->begin(), text->end(), [](unsigned char c) { return std::isdigit(c); }))
            value = std::stoi(*text);
        if (value < 1 || value > 65535) throw ImportError(lineage + ": " + key + " is not a port number");
        return static_cast<std::uint16_t>(value);
    }

    void key_type(const std::string& current) {
        auto& s = out.settings;
        const std::string type = storage::lowercase(get("key_type").value_or(""));
        if (type.empty()) {
            s.key_type = renewable_key_type(current) ? current : std::string(storage::kDefaultKeyType);
        } else if (type == "ecdsa") {
            const std::string curve = storage::lowercase(get("elliptic_curve").value_or("secp256r1"));
            if (curve == "secp256r1" || curve == "prime256v1") s.key_type = storage::kEc256;
            else if (curve == "secp384r1") s.key_type = storage::kEc384;
            else {
                s.key_type = storage::kEc384;
                note(Kind::Unsupported, shown("elliptic_curve"), "certa makes P-256 or P-384 keys; renews with ec384");
            }
        } else if (type == "rsa") {
            const std::string size = get("rsa_key_size").value_or("2048");
            s.key_type.clear();
            for (const auto& t : storage::kKeyTypes)
                if (std::string_view(t.algorithm) == "RSA" && std::to_string(t.bits) == size) s.key_type = t.name;
            if (s.key_type.empty()) {
                s.key_type = storage::kRsa4096;
                note(Kind::Unsupported, shown("rsa_key_size"), "certa makes 2048, 3072 or 4096-bit RSA keys; renews with rsa4096");
            }
        } else {
            s.key_type = renewable_key_type(current) ? current : std::string(storage::kDefaultKeyType);
            note(Kind::Unsupported, shown("key_type"), "unknown key type; renews with " + s.key_type);
        }
    }

    // webroot_map (name → directory) for this certificate's names, else webroot_path.
    void webroot(const std::vector<std::string>& names) {
        std::vector<std::string> dirs;
        for (const auto& name : names)
            for (const auto& e : conf.webroot_map)
                if (storage::lowercase(e.key) == name && std::find(dirs.begin(), dirs.end(), e.text()) == dirs.end())
                    dirs.push_back(e.text());
        if (dirs.empty())
            if (const ConfEntry* e = conf.param_entry("webroot_path"))
                for (const auto& item : e->items)
                    if (!item.empty() && item != "None") dirs.push_back(item);
        if (dirs.empty()) throw ImportError(lineage + ": authenticator webroot without webroot_map or webroot_path");
        out.settings.webroot = dirs.front();
        if (dirs.size() > 1)
            note(Kind::Unsupported, "webroot_map with " + std::to_string(dirs.size()) + " directories",
                 "certa has one webroot per certificate; renews with " + dirs.front() + " for every name");
    }

    void authenticator(const std::vector<std::string>& names) {
        auto& s = out.settings;
        const std::string auth = get("authenticator").value_or("standalone");
        s.challenge = storage::to_string(storage::ChallengeType::Http01);
        s.http_port = port("http01_port", 80);
        s.http_address = get("http01_address").value_or("");
        if (auth == "webroot") {
            webroot(names);
        } else if (auth == "dns-rfc2136") {
            rfc2136();
        } else if (auth != "standalone") {
            out.needs_challenge = true;
            s.renew_skip_reason = "certbot authenticator '" + auth +
                                  "' has no certa equivalent; import again with --challenge/--webroot/--dns-hook to renew it";
            note(Kind::Unsupported, "authenticator = " + auth,
                 "not renewed by certa (give --challenge, --webroot or --dns-hook to choose how)");
        }
        if (auto hook = get("manual_auth_hook"); hook && auth == "manual")
            note(Kind::Unsupported, shown("manual_auth_hook"),
                 "certbot's manual hooks take CERTBOT_DOMAIN/CERTBOT_VALIDATION; certa's --dns-hook is run as 'CMD add|remove FQDN VALUE'");
        if (auto hook = get("manual_cleanup_hook"); hook && auth == "manual")
            note(Kind::Unsupported, shown("manual_cleanup_hook"), "not run (see manual_auth_hook)");
        if (auto inst = get("installer"); inst && !inst->empty())
            note(Kind::Unsupported, shown("installer"),
                 "certa does not edit server configuration; a renewal re-points live/NAME (unless --no-export) and runs the deploy hook");
        if (const ConfEntry* e = conf.param_entry("pref_challs"))
            for (const auto& c : e->items)
                if (!c.empty() && storage::parse_challenge_type(storage::lowercase(c)) != storage::ChallengeType::Http01 && storage::lowercase(c) != "http")
                    note(Kind::Unsupported, "pref_challs = " + e->text(), "certa renews with " + s.challenge);
    }

    // certbot-dns-rfc2136: its credentials file names the server, port and
    // TSIG key. certa records the server and the file's path (the key-file
    // reader takes certbot's format), never the secret.
    void rfc2136() {
        auto& s = out.settings;
        const std::string path = get("dns_rfc2136_credentials").value_or("");
        if (path.empty() || path.front() != '/')
            throw ImportError(lineage + ": authenticator dns-rfc2136 without an absolute dns_rfc2136_credentials path");
        TsigKeyFile file;
        try {
            file = read_tsig_key_file(path);
        } catch (const LocalFileError& e) {
            throw ImportError(lineage + ": " + e.what());
        }
        if (!file.server || file.server->empty())
            throw ImportError(lineage + ": " + path + " has no dns_rfc2136_server");
        s.challenge = "dns-01";
        s.dns_update = storage::net::HostPort{*file.server, file.port}.to_string();
        s.tsig_key_file = path;
        if (auto wait = get("dns_rfc2136_propagation_seconds"))
            note(Kind::Note, shown("dns_rfc2136_propagation_seconds"),
                 "certa does not sleep: it checks the record at the zone's authoritative servers (up to "
                 "--dns-propagation-timeout, 120 s)");
    }

    // certbot's deploy hook, as written: certa's DeployHook sets the
    // RENEWED_LINEAGE (the live/NAME dir) and RENEWED_DOMAINS it reads.
    void hooks(bool export_live) {
        auto& s = out.settings;
        if (auto hook = get("renew_hook"); hook && !hook->empty()) {
            s.deploy_hook = *hook;
            if (!export_live)
                note(Kind::Note, shown("renew_hook"), "deploy hook without RENEWED_LINEAGE (live/ is not exported)");
        }
        for (const char* key : {"pre_hook", "post_hook"})
            if (auto hook = get(key); hook && !hook->empty())
                note(Kind::Unsupported, shown(key), "certa has no pre/post hooks; not run (only the deploy hook runs, after a renewal)");
    }

    void flags() {
        auto& s = out.settings;
        if (auto v = get("preferred_chain")) s.preferred_chain = *v;
        if (auto v = get("required_profile")) s.profile = *v;
        else if (auto p = get("preferred_profile")) s.profile = *p;
        if (auto v = get("reuse_key"); v && truthy(*v))
            note(Kind::Unsupported, shown("reuse_key"), "certa makes a new key at every renewal");
        if (auto v = get("must_staple"); v && truthy(*v))
            note(Kind::Unsupported, shown("must_staple"), "certa does not request OCSP Must-Staple");
        if (auto v = get("allow_subset_of_names"); v && truthy(*v))
            note(Kind::Unsupported, shown("allow_subset_of_names"), "certa renews all names or none");
        if (auto v = get("no_verify_ssl"); v && truthy(*v))
            note(Kind::Unsupported, shown("no_verify_ssl"), "certa always verifies the CA's HTTPS (give --ca-bundle)");
        if (auto v = get("autorenew"); v && !truthy(*v)) {
            out.needs_challenge = false;
            s.renew_skip_reason = "autorenew is off in certbot's renewal conf";
            note(Kind::Note, shown("autorenew"), "not renewed by certa renew");
        }
    }

    // certbot renews into the paths its conf names; certa into the imported
    // config dir's archive/NAME and live/NAME. Said when they differ (a
    // config dir that was moved or copied).
    void layout(const std::filesystem::path& config_dir) {
        const auto same = [](const std::filesystem::path& a, const std::filesystem::path& b) {
            std::error_code ec1, ec2;
            return std::filesystem::weakly_canonical(a, ec1) == std::filesystem::weakly_canonical(b, ec2);
        };
        const auto archive = config_dir / "archive" / lineage, live = config_dir / "live" / lineage;
        for (const auto& e : conf.top) {
            const bool is_archive = e.key == "archive_dir";
            if (!is_archive && e.key != "cert" && e.key != "privkey" && e.key != "chain" && e.key != "fullchain") continue;
            const std::filesystem::path path(e.text());
            if (same(is_archive ? path : path.parent_path(), is_archive ? archive : live)) continue;
            note(Kind::Note, e.key + " = " + e.text(),
                 "certa renews into " + (is_archive ? archive : live).string() + " (the directory imported)");
        }
    }

    void unknown_keys() {
        for (const auto& e : conf.top) {
            if (kTopKnown.count(e.key)) continue;
            if (e.key == "renew_before_expiry")
                note(Kind::Unsupported, e.key + " = " + e.text(),
                     "certa decides when to renew (ARI, else 1/3 of the lifetime left); see certa renew --days");
            else note(Kind::Unknown, e.key + " = " + e.text(), "unknown setting, not used");
        }
        for (const auto& e : conf.params)
            if (!kMapped.count(e.key) && !kCertbotOnly.count(e.key))
                note(Kind::Unknown, e.key + " = " + e.text(), "unknown setting, not used");
        for (const auto& section : conf.other_sections) note(Kind::Unknown, section, "unknown section, not used");
    }
};

}  // namespace

CertbotLineageSettings certbot_settings(const CertbotRenewalConf& conf, const std::string& lineage,
                                        const std::vector<std::string>& names, const std::string& current_key_type,
                                        const std::filesystem::path& config_dir, bool export_live) {
    Mapper m{conf, lineage, {}};
    auto& s = m.out.settings;
    s.server = conf.param("server").value_or("");
    if (s.server.empty()) {
        s.server = kCertbotDefaultServer;
        m.note(Kind::Note, "server", std::string("none given: certbot's default, ") + kCertbotDefaultServer);
    }
    m.out.account_id = conf.param("account").value_or("");
    m.authenticator(names);
    m.key_type(current_key_type);
    m.hooks(export_live);
    m.flags();
    // Renewed into certbot's own layout: archive/NAME/*N+1.pem, live/NAME re-pointed (CertbotLayout).
    s.certbot_lineage = lineage;
    if (export_live) {
        s.certbot_dirs.push_back(config_dir.string());
        m.layout(config_dir);
    }
    m.unknown_keys();
    return m.out;
}

}  // namespace certa::acme
