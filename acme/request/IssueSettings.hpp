// How a certificate was (and is to be) renewed: the one typed form of the
// certificate row's settings_json (parsed only by from_json), so that `certa renew` can repeat the order with the same
// CA, challenge, key type, profile and hooks. Carries no secrets (no EAB key).
#pragma once

#include "storage/ChallengeType.hpp"
#include "storage/KeyType.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace certa::acme {

inline constexpr int kMaxDnsPropagationTimeout = 86400;  // seconds

struct IssueSettings {
    std::string server;                 // ACME directory URL: the first (preferred) CA
    // The ordered CA list (`--server A --server B`): every CA tried in this
    // order, servers[0] == server; empty when there is only `server`. Each
    // renewal starts again at the head (acme/issue/FailoverIssuer).
    std::vector<std::string> servers;
    std::string ca_bundle;              // extra trust anchors for the CA's HTTPS
    std::string challenge{storage::to_string(storage::ChallengeType::Http01)};  // one of storage::kChallengeTypes
    std::string key_type{storage::kDefaultKeyType};  // one of storage::kKeyTypes (storage/KeyType.hpp)
    std::string profile;
    std::string preferred_chain;
    std::vector<std::string> contact;   // account contact ("mailto:...")
    // http-01
    std::uint16_t http_port = 80;
    std::string http_address;           // "" = every address
    std::string webroot;                // "" = standalone responder
    // dns-01
    std::string dns_hook;
    // Wait up to this many seconds for the TXT record to show at every
    // resolver before the CA validates (0 = don't check).
    int dns_propagation_timeout = 120;
    std::vector<std::string> dns_resolvers;  // "ADDR[:PORT]"; empty = /etc/resolv.conf
    // dns-01 by RFC 2136 instead of the hook: the update server "HOST[:PORT]"
    // and the TSIG key file's path (the secret stays in that file: it never
    // enters the store).
    std::string dns_update;
    std::string tsig_key_file;
    // tls-alpn-01: a temporary responder port (0 = rely on `certa serve`)
    std::uint16_t tls_port = 0;
    // renewal: directories `certa export --dir` wrote (rewritten after each
    // renewal) and the deploy hook run after it (`certa renew --deploy-hook`)
    std::vector<std::string> export_dirs;
    std::string deploy_hook;
    // Config dirs (/etc/letsencrypt) written in certbot's live/ + archive/
    // layout by `certa export --layout certbot` (CertbotLayout), rewritten
    // after each renewal like export_dirs.
    std::vector<std::string> certbot_dirs;
    // The lineage (live/NAME, archive/NAME) in each of certbot_dirs; "" = the
    // primary name without "*.". Set by `certa import certbot` to the
    // lineage's own name (renewal/NAME.conf: "example.com-0001", a
    // --cert-name), so renewals continue that lineage.
    std::string certbot_lineage;
    // `--deploy haproxy:SOCKET[:CRT-PATH[:CRT-LIST]]` / `nginx[:COMMAND]`
    // (acme/deploy/DeployTargetFactory), and the HOST:PORT addresses where
    // the new serial must then be served (`--deploy-check`; "none" turns the
    // check off).
    std::vector<std::string> deploy_targets;
    std::vector<std::string> deploy_checks;
    // The user agreed to the CA's terms (`--agree-tos`) when this was issued:
    // a renewal that must register a new account agrees again (RFC 8555 §7.3).
    bool agree_tos = false;
    // Why `certa renew` leaves this certificate alone ("" = it renews it):
    // set by `certa import` for certificates certa cannot renew (imported
    // with --cert/--key but no --server, or from a certbot lineage whose
    // authenticator certa lacks). Renew reports it as skipped, not failed.
    std::string renew_skip_reason;
    // (Whether a renewal's export + deploy hook still has to run is state, not
    // a setting: the row's own deploy_pending column, see acme/deploy/Deployer.)

    // The CAs in the order they are tried: `servers`, else just `server`.
    std::vector<std::string> ca_list() const {
        if (!servers.empty()) return servers;
        return server.empty() ? std::vector<std::string>{} : std::vector<std::string>{server};
    }

    // "A" or "A, then B" for logs and messages.
    std::string ca_list_text() const;

    // True when a renewal has something to deploy (export dirs, a hook, a target).
    bool has_deploy_step() const {
        return !export_dirs.empty() || !deploy_hook.empty() || !certbot_dirs.empty() || !deploy_targets.empty();
    }

    std::string to_json() const;
    // Missing members keep their defaults; throws json::JsonError when malformed.
    static IssueSettings from_json(const std::string& text);
};

}  // namespace certa::acme
