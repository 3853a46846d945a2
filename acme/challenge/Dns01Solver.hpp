// dns-01 (RFC 8555 §8.4) through a user hook, or built in by RFC 2136 DNS
// UPDATE signed with TSIG (--dns-update HOST[:PORT] --tsig-key-file FILE).
//
// When `_acme-challenge.NAME` is a CNAME (a chain of at most 8), the record
// is written at the chain's end, as validators follow it: FQDN below is then
// that target. The chain is looked up at the first --dns-resolver (else the
// system's resolver); for a hook, a failed lookup only warns and keeps
// `_acme-challenge.NAME`; a loop or a longer chain is a DnsCnameError.
//
// RFC 2136: the zone is found by an SOA lookup of FQDN, the record added at
// the update server, and the propagation check asks the zone's
// authoritative servers (its NS addresses, on the update server's port, plus
// the update server itself, plus any --dns-resolver). The record is removed
// again after success or failure. A refused update is an Rfc2136Error.
//
// The hook: `HOOK add FQDN VALUE` before
// validation and `HOOK remove FQDN VALUE` after, where FQDN is
// "_acme-challenge.<name>." (a wildcard's base name) and VALUE is
// base64url(SHA-256(key authorization)). The hook also gets CERTA_DNS_ACTION,
// CERTA_DNS_FQDN, CERTA_DNS_VALUE and CERTA_IDENTIFIER in its environment.
// A non-zero exit or a timeout is an error.
//
// After a successful `add`, the solver waits until the TXT record is visible
// at every resolver (the given ones, else the system's) before it returns, so
// the CA is not asked to validate a record that has not propagated yet; a
// record still missing after the propagation timeout is a
// Dns01PropagationError (and the CA is never asked).
#pragma once

#include "acme/challenge/ChallengeSolver.hpp"
#include "acme/challenge/dns/DnsTxtLookup.hpp"
#include "acme/request/IssueSettings.hpp"
#include "storage/ChallengeType.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace certa::acme {

struct Dns01Options {
    std::string hook;                         // path of the program (no shell)
    std::chrono::milliseconds timeout{120000};  // per hook run
    // How long to wait for the record to show (0 = don't check).
    std::chrono::milliseconds propagation_timeout{0};
    std::vector<DnsResolver> resolvers;           // empty = the system's resolvers
    std::chrono::milliseconds poll_interval{1500};  // between two rounds of lookups
    // RFC 2136 instead of the hook (both set, or neither).
    std::string dns_update;     // "HOST[:PORT]"
    std::string tsig_key_file;  // read at construction; its secret stays in memory only
    // Follow a CNAME at _acme-challenge.NAME (dns01_options sets it; off for a bare hook).
    bool follow_cname = false;
};

// The options that `certa issue` / `certa renew` recorded (hook or update
// server and key file, propagation timeout, resolvers). Throws
// std::invalid_argument on a bad resolver.
Dns01Options dns01_options(const IssueSettings& settings);

// The TXT record did not show at every resolver within the propagation
// timeout. what(): "dns-01: TXT record for FQDN not visible at R1, R2 after N s".
class Dns01PropagationError : public std::runtime_error {
public:
    Dns01PropagationError(std::string fqdn, std::vector<DnsResolver> missing, std::chrono::milliseconds waited);
    const std::string& fqdn() const noexcept { return fqdn_; }
    const std::vector<DnsResolver>& missing() const noexcept { return missing_; }

private:
    std::string fqdn_;
    std::vector<DnsResolver> missing_;
};

// --dns-update HOST[:PORT]: an IP literal or a host name (resolved now),
// port 53 unless given. Throws std::invalid_argument with one line.
DnsResolver parse_dns_update_server(const std::string& text);

class Rfc2136Client;

class Dns01Solver : public ChallengeSolver {
public:
    // Throws LocalFileError when the TSIG key file cannot be used.
    explicit Dns01Solver(Dns01Options options);
    ~Dns01Solver() override;
    const char* type() const override { return storage::to_string(storage::ChallengeType::Dns01); }
    void present(const Identifier& identifier, const std::string& token, const std::string& key_authorization) override;
    void cleanup(const Identifier& identifier, const std::string& token,
                 const std::string& key_authorization) noexcept override;

private:
    // Where the record goes: the zone ("" for a hook) and the owner name.
    struct Target {
        std::string zone, fqdn;
        std::vector<DnsResolver> authoritative;  // RFC 2136: where to check it
    };
    Target target_of(const Identifier& identifier) const;
    DnsResolver lookup_resolver() const;
    void run(const char* action, const Identifier& identifier, const std::string& fqdn, const std::string& value);
    void wait_until_visible(const std::string& fqdn, const std::string& value,
                            std::vector<DnsResolver> resolvers) const;
    Dns01Options options_;
    std::unique_ptr<Rfc2136Client> update_;
    std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, Target> presented_;  // (identifier, value) → where it went
};

// "_acme-challenge.example.com." for example.com and *.example.com.
std::string dns01_fqdn(const Identifier& identifier);
// base64url(SHA-256(key authorization)), the TXT record value.
std::string dns01_txt_value(const std::string& key_authorization);
// Polls each resolver until `value` is among the TXT records of `fqdn` there,
// at most `timeout` (bounded in rounds too). Returns the resolvers that never
// showed it (empty: visible everywhere). Lookup errors count as "not visible".
std::vector<DnsResolver> wait_for_txt(const std::string& fqdn, const std::string& value,
                                      const std::vector<DnsResolver>& resolvers, std::chrono::milliseconds timeout,
                                      std::chrono::milliseconds poll_interval = std::chrono::milliseconds(1500));

}  // namespace certa::acme
