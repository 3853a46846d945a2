#include "cli/ImportOutput.hpp"

#include "acme/deploy/CertbotLayout.hpp"
#include "cli/TimeFormat.hpp"
#include "storage/ChallengeType.hpp"

#include <cpprest/json.h>

#include <iostream>

namespace certa::cli {

namespace {

using acme::ImportAction;
using web::json::value;

std::string joined(const std::vector<std::string>& items, const char* sep = ", ") {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
    return out;
}

// How `certa renew` will treat the certificate, in one phrase.
std::string renewal_summary(const acme::IssueSettings& s) {
    if (!s.renew_skip_reason.empty()) return "not renewed by certa: " + s.renew_skip_reason;
    std::string how = s.challenge;
    using storage::ChallengeType;
    const auto type = storage::parse_challenge_type(s.challenge);
    if (type == ChallengeType::Http01)
        how += s.webroot.empty() ? " standalone on " + (s.http_address.empty() ? "*" : s.http_address) + ":" +
                                       std::to_string(s.http_port)
                                 : " webroot " + s.webroot;
    if (type == ChallengeType::TlsAlpn01) how += s.tls_port ? " on port " + std::to_string(s.tls_port) : " via certa serve";
    if (type == ChallengeType::Dns01) how += " with the dns hook";
    std::string out = how + ", key " + s.key_type + ", CA " + s.server;
    if (!s.profile.empty()) out += ", profile " + s.profile;
    if (!s.preferred_chain.empty()) out += ", preferred chain " + s.preferred_chain;
    if (!s.export_dirs.empty()) out += ", export to " + joined(s.export_dirs);
    for (const auto& dir : s.certbot_dirs)
        out += ", certbot layout " +
               (s.certbot_lineage.empty() ? dir : acme::certbot_live_dir(dir, s.certbot_lineage).string());
    if (!s.deploy_hook.empty()) out += ", deploy hook";
    return out;
}

std::string present_text(const char* what, std::int64_t id, const std::string& status) {
    std::string out = std::string("already in the store (") + what + " #" + std::to_string(id);
    if (!status.empty() && status != "active") out += ", " + status;
    return out + ")";
}

value json_report(const acme::ImportReport& r) {
    value accounts = value::array();
    std::size_t i = 0;
    for (const auto& a : r.accounts) {
        value v = value::object();
        v["server"] = value::string(a.server);
        v["url"] = value::string(a.url);
        v["key_type"] = value::string(a.key_type);
        v["source"] = value::string(a.source);
        v["action"] = value::string(acme::to_string(a.action));
        v["id"] = a.id ? value::number(static_cast<int64_t>(a.id)) : value::null();
        accounts[i++] = v;
    }
    value certs = value::array();
    i = 0;
    for (const auto& c : r.certificates) {
        value v = value::object();
        v["name"] = value::string(c.label);
        std::vector<value> names;
        for (const auto& n : c.names) names.push_back(value::string(n));
        v["names"] = value::array(names);
        v["serial"] = value::string(c.serial_hex);
        v["not_after"] = value::string(iso8601_utc(c.not_after));
        v["source"] = value::string(c.source);
        v["action"] = value::string(acme::to_string(c.action));
        v["id"] = c.id ? value::number(static_cast<int64_t>(c.id)) : value::null();
        v["account_url"] = c.account_url.empty() ? value::null() : value::string(c.account_url);
        v["renewal"] = value::string(renewal_summary(c.settings));
        v["renewed_by_certa"] = value::boolean(c.settings.renew_skip_reason.empty());
        certs[i++] = v;
    }
    value notes = value::array();
    i = 0;
    for (const auto& n : r.notes) {
        value v = value::object();
        v["kind"] = value::string(acme::to_string(n.kind));
        v["certificate"] = n.subject.empty() ? value::null() : value::string(n.subject);
        v["setting"] = value::string(n.setting);
        v["reason"] = value::string(n.reason);
        notes[i++] = v;
    }
    value out = value::object();
    out["source_kind"] = value::string(r.kind);
    out["source"] = value::string(r.source);
    out["store"] = r.store.empty() ? value::null() : value::string(r.store);
    out["dry_run"] = value::boolean(r.dry_run);
    out["accounts"] = accounts;
    out["certificates"] = certs;
    out["notes"] = notes;
    out[r.dry_run ? "would_import" : "imported"] = value::number(r.to_import());
    return out;
}

std::string count(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

void print_import_report(const acme::ImportReport& r, bool json) {
    if (json) {
        std::cout << json_report(r).serialize() << '\n';
        return;
    }
    std::cout << r.kind << " " << r.source << " -> store " << (r.store.empty() ? "(not created yet)" : r.store) << '\n';
    std::size_t accounts = 0, certificates = 0;
    for (const auto& a : r.accounts) {
        std::cout << "account " << a.url << " (" << a.key_type << ", CA " << a.server << "): ";
        if (a.action == ImportAction::Present) std::cout << present_text("account", a.id, "") << '\n';
        else if (r.dry_run) std::cout << "would import\n";
        else std::cout << "imported as account #" << a.id << '\n';
        accounts += a.action == ImportAction::Import;
    }
    for (const auto& c : r.certificates) {
        std::cout << "certificate " << c.label << " (" << joined(c.names) << "; serial " << c.serial_hex << "; expires "
                  << iso8601_utc(c.not_after) << "): ";
        if (c.action == ImportAction::Present) std::cout << present_text("certificate", c.id, c.stored_status) << '\n';
        else if (r.dry_run) std::cout << "would import\n";
        else std::cout << "imported as certificate #" << c.id << '\n';
        if (c.action == ImportAction::Import) {
            std::cout << "  renew: " << renewal_summary(c.settings) << '\n';
            if (!c.account_url.empty()) std::cout << "  account: " << c.account_url << '\n';
        }
        certificates += c.action == ImportAction::Import;
    }
    for (const auto& n : r.notes) {
        std::cout << acme::to_string(n.kind) << ": ";
        if (!n.subject.empty()) std::cout << n.subject << ": ";
        std::cout << n.setting << ": " << n.reason << '\n';
    }
    const std::string what = count(accounts, "account", "accounts") + " and " +
                             count(certificates, "certificate", "certificates");
    if (accounts + certificates == 0) std::cout << "nothing to import: everything is already in the store\n";
    else if (r.dry_run) std::cout << "dry run: would import " << what << "; nothing was written\n";
    else std::cout << "imported " << what << '\n';
}

}  // namespace certa::cli
