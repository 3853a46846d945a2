// Plain rows exchanged through the Store interface. All times are Unix seconds.
#pragma once

#include "storage/ChallengeType.hpp"
#include "storage/base/Clock.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certa::storage {

struct OpenOptions {
    bool create = true;            // create the file (0600) when missing
    bool read_only = false;
    int busy_timeout_ms = 5000;
    // PostgreSQL: the longest current_generation() trusts its cached value
    // without a NOTIFY (0: re-read on every call). SQLite ignores it.
    int change_poll_ms = 1000;
    // The store's "now" (lease and challenge expiry, timestamps); nullptr:
    // Clock::system(). Must outlive the store.
    const Clock* clock = nullptr;
};

struct Account {
    std::int64_t id = 0;
    std::string server;       // directory URL
    std::string key_type;     // ES256, ES384, RS256
    std::string key_pem;      // secret: never logged
    std::string url;          // the account URL (JWS kid); empty until the CA answered
    std::string contact;      // encode_contact's text, e.g. "mailto:a@example.com,mailto:b@example.com"
    std::string status;       // "new" (key stored, not yet registered), "valid", "deactivated"
    UnixTime created = 0;
};

// The accounts.contact column: the contact URLs joined with ',' (empty ones
// left out). decode_contact(encode_contact(v)) == v for URLs without a ','.
std::string encode_contact(const std::vector<std::string>& contact);
std::vector<std::string> decode_contact(std::string_view column);

enum class CertificateStatus { Active, Replaced, Revoked };
const char* to_string(CertificateStatus status);
CertificateStatus certificate_status_from(const std::string& text);

struct LeaseFence {
    std::string name;
    std::int64_t token = 0;
};

struct CertificateInput {
    std::vector<std::string> names;  // identifiers: DNS names, "*.wildcards", IP addresses
    std::string key_type;            // ec256, ec384, rsa2048, rsa3072, rsa4096
    std::string key_pem;             // secret
    std::string chain_pem;           // leaf first, then intermediates
    std::string server;              // directory URL it came from
    std::int64_t account_id = 0;
    std::string profile;
    std::string settings_json;       // renewal settings (challenge, hooks, exports, ...)
    std::optional<std::int64_t> replaces;
    std::optional<LeaseFence> fence;
    bool deploy_pending = false;     // a deploy hook still has to run for this row
};

// `certa import`: new accounts and certificates written in ONE transaction
// (Store::import_batch). A certificate belongs either to one of the batch's
// accounts (account_index) or to a row already stored (input.account_id).
struct ImportCertificate {
    CertificateInput input;
    int account_index = -1;          // index into ImportBatch::accounts; -1: keep input.account_id
    std::string event_detail;        // the "imported" event's text (where it came from)
};

struct ImportBatch {
    std::vector<Account> accounts;
    std::vector<ImportCertificate> certificates;
};

struct ImportIds {
    std::vector<std::int64_t> accounts;      // in batch order
    std::vector<std::int64_t> certificates;  // in batch order
};

struct CertificateRecord {
    std::int64_t id = 0;
    std::vector<std::string> names;
    std::string key_type;
    std::string key_pem;
    std::string chain_pem;
    std::string server;
    std::int64_t account_id = 0;
    std::string profile;
    std::string settings_json;
    bool deploy_pending = false;
    UnixTime not_before = 0;
    UnixTime not_after = 0;
    std::string serial_hex;          // uppercase hex, no leading zeros beyond one byte
    std::string aki_hex;             // authority key identifier of the leaf, hex
    std::string ari_cert_id;         // RFC 9773 §4.1: base64url(AKI) "." base64url(serial)
    CertificateStatus status = CertificateStatus::Active;
    std::int64_t replaced_by = 0;
    std::int64_t generation = 0;
    UnixTime created = 0;
    UnixTime updated = 0;
    // renewal bookkeeping
    UnixTime ari_window_start = 0;
    UnixTime ari_window_end = 0;
    UnixTime ari_next_check = 0;
    UnixTime renew_at = 0;           // chosen renewal time (0: not chosen yet)
    UnixTime next_attempt = 0;       // back-off after failures
    int failures = 0;
    std::string last_error;
    std::string last_error_class;    // storage/RenewalErrorClass.hpp; "" when last_error is
};

// The slice of a certificate row the handshake index needs
// (Store::index_rows_changed_since). key_pem and chain_pem are empty unless
// the row is active (and always without with_pem).
// A share of the certificate rows (id % parts == part), so that a big
// first load can be read on several connections in parallel; the default
// is every row.
struct IndexSlice {
    std::int64_t part = 0;
    std::int64_t parts = 1;
};

struct IndexRow {
    std::int64_t id = 0;
    std::vector<std::string> names;  // in position order
    std::string key_type;
    std::string key_pem;
    std::string chain_pem;
    CertificateStatus status = CertificateStatus::Active;
    UnixTime not_before = 0;
    UnixTime not_after = 0;
    std::int64_t generation = 0;
};

// The columns of a certificate listing: the private key only for the
// callers that use it (export, renewal under its lease, revocation by it).
enum class CertificateColumns {
    All,
    WithoutKey,  // key_pem left empty (list, show)
    Summary,     // key_pem and chain_pem left empty (scheduling, monitoring)
};

struct CertificateFilter {
    bool include_inactive = false;   // replaced and revoked rows too
    std::string name;                // only rows indexed under this name (empty: all)
    CertificateColumns columns = CertificateColumns::All;
};

struct RenewalState {
    UnixTime ari_window_start = 0;
    UnixTime ari_window_end = 0;
    UnixTime ari_next_check = 0;
    UnixTime renew_at = 0;
    UnixTime next_attempt = 0;
    int failures = 0;
    std::string last_error;
    std::string last_error_class;    // set with last_error (storage/RenewalErrorClass.hpp)
};
// The renewal bookkeeping columns of a row.
RenewalState renewal_state_of(const CertificateRecord& cert);

struct Challenge {
    std::int64_t id = 0;
    ChallengeType type = ChallengeType::Http01;
    std::string identifier;          // DNS name or IP address
    std::string token;               // secret while pending: never logged
    std::string key_authorization;   // secret while pending
    std::string cert_pem;            // tls-alpn-01 only: RFC 8737 challenge certificate
    std::string key_pem;             // tls-alpn-01 only: its key
    UnixTime expires = 0;
};

struct LeaseGrant {
    bool acquired = false;
    std::int64_t token = 0;          // fencing token when acquired
    std::string holder;              // current owner when not acquired
    UnixTime expires = 0;            // when the current lease runs out
};

struct Event {
    std::int64_t id = 0;
    UnixTime time = 0;
    std::string kind;                // issued, renewed, failed, revoked, deployed, ...
    std::int64_t certificate_id = 0;
    std::string detail;
};

// A certificate a handshake asked for (certa serve --on-demand): one row per
// name until an ACME worker fulfils it (or a back-off after failures).
struct IssuanceRequest {
    std::string name;                // normalized DNS name
    std::string reason;              // "issue" (no certificate) or "renew" (in its renewal window / expired)
    UnixTime requested = 0;
    int attempts = 0;                // failed attempts so far
    UnixTime next_attempt = 0;       // not taken before this time (back-off)
    std::string last_error;
};

// An on-demand allow/deny rule kept in the store (`certa ondemand allow|deny`):
// every `certa serve --on-demand` sharing the store applies it live; a deny
// rule beats any allow.
struct OnDemandRule {
    std::string pattern;             // normalized DNS name or "*.example.com"
    bool deny = false;               // false: allow
    UnixTime created = 0;
};

// A certificate's OCSP state (RFC 6960), kept by the ACME side (acme/ocsp)
// and stapled by the agent. One row per certificate; a certificate whose leaf
// names no OCSP responder gets status "none" (nothing to fetch, ever).
struct OcspStaple {
    std::int64_t certificate_id = 0;
    std::string status;              // "good", "revoked", "unknown", "none" (no OCSP URL), "" (never fetched)
    std::string der;                 // the verified OCSPResponse (DER bytes); empty for "none" or ""
    UnixTime this_update = 0;
    UnixTime next_update = 0;        // 0: the responder gave none
    UnixTime refresh_at = 0;         // when the ACME side fetches it again (half the validity)
    UnixTime fetched = 0;            // last successful fetch
    std::string last_error;          // last failed fetch ("" after a success)
    std::int64_t generation = 0;     // store generation of the last write
};

// A `certa serve` process sharing the store: the generation its handshake
// agent has loaded, and when it last said so (its liveness beat).
struct ServingAgent {
    std::string agent_id;            // host name + pid + random, unique per process
    std::int64_t loaded_generation = 0;
    UnixTime seen_at = 0;
};

}  // namespace certa::storage
