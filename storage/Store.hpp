// The store interface shared by acme/ and handshake/. They never include each
// other; everything they exchange (certificates, challenge material, leases,
// events) passes through an implementation of this interface.
//
// Two backends implement it (storage/open/TableStore): SQLite, the default, and
// PostgreSQL for a fleet sharing one database. Nothing here names either.
#pragma once

#include "storage/StoreError.hpp"
#include "storage/StoreTypes.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace certa::storage {

class Store {
public:
    virtual ~Store() = default;
    Store() = default;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // ---- schema -------------------------------------------------------------
    virtual int schema_version() = 0;
    // "ok" when the backend's own integrity check passes, else its findings.
    virtual std::string integrity_check() = 0;
    // Where the store lives, for messages (never carries a password).
    virtual std::string location() const = 0;
    // From any thread, without waiting for the call under way on this
    // instance: makes a statement that is running now (e.g. waiting on a
    // lock another session holds) fail soon with a StoreError. For shutting
    // down without waiting out the lock timeout; later calls work as usual.
    virtual void interrupt() = 0;

    // ---- accounts -------------------------------------------------------------
    // Inserted before newAccount is sent, so a key the CA may learn is never lost.
    virtual std::int64_t insert_account(const Account& account) = 0;
    // Updates url, contact, status, key_pem and key_type of account.id.
    virtual void update_account(const Account& account) = 0;
    virtual std::optional<Account> get_account(std::int64_t id) = 0;
    // The newest account for this server that is not deactivated.
    virtual std::optional<Account> find_account(const std::string& server) = 0;
    virtual std::vector<Account> list_accounts() = 0;

    // ---- certificates ---------------------------------------------------------
    // One transaction: chain, key, names and the fields parsed from the leaf
    // (not_before, not_after, serial, AKI, ARI certID). Throws StoreError
    // (kind Invalid) when the chain does not parse or the leaf does not match
    // the key. When input.replaces is set, that row is marked replaced in the
    // same transaction. When input.fence is set, the put fails (kind Fenced)
    // unless that lease is still held with that token.
    virtual std::int64_t put_certificate(const CertificateInput& input) = 0;
    // put_certificate for many inputs in ONE transaction (one generation for
    // all): every input is validated as above, and any failure stores none.
    // Returns the new ids in input order.
    virtual std::vector<std::int64_t> put_certificates(const std::vector<CertificateInput>& inputs) = 0;
    // `certa import`: the batch's accounts, then its certificates (validated
    // like put_certificate, each with an "imported" event), in ONE
    // transaction under one generation: any failure stores nothing.
    virtual ImportIds import_batch(const ImportBatch& batch) = 0;
    virtual std::optional<CertificateRecord> get_certificate(std::int64_t id) = 0;
    // The newest active certificate whose name index holds exactly `name`.
    virtual std::optional<CertificateRecord> find_active_certificate(const std::string& name) = 0;
    virtual std::vector<CertificateRecord> list_certificates(const CertificateFilter& filter) = 0;
    // Active certificates `certa renew` has to look at `now`: a deploy pending,
    // no renewal time chosen yet, the ARI check or the renewal time due, and
    // none backing off after failures (see schema/RenewalAttention.hpp).
    // One indexed query: nothing due reads no row. Soonest expiry first; the
    // records carry no key_pem or chain_pem (get_certificate has them).
    virtual std::vector<CertificateRecord> certificates_needing_attention(UnixTime now) = 0;
    // Every row (any status) written in a generation newer than `generation`.
    virtual std::vector<CertificateRecord> certificates_changed_since(std::int64_t generation) = 0;
    // The same rows, ordered the same way, reduced to what the handshake index
    // needs (no settings, renewal state...; PEM only for active rows). Cheaper
    // than certificates_changed_since for a whole store. Without `with_pem`
    // no row carries PEM (a big first load reads it later, by id: get_certificate).
    virtual std::vector<IndexRow> index_rows_changed_since(std::int64_t generation, bool with_pem = true) = 0;
    // The same rows without PEM, streamed: `visit` sees each row once (the
    // same IndexRow object, refilled), in one query that carries the names,
    // so that a first load of a million rows holds none of them at once.
    // `visit` must not call the store; the read is one transaction. With a
    // `slice`, only its share of the rows (a first load in parallel).
    virtual void visit_index_rows_changed_since(std::int64_t generation,
                                                const std::function<void(const IndexRow&)>& visit,
                                                IndexSlice slice = {}) = 0;
    virtual void set_certificate_status(std::int64_t id, CertificateStatus status) = 0;
    virtual void update_renewal_state(std::int64_t id, const RenewalState& state) = 0;
    // Many update_renewal_state calls (a first `certa renew` over a large
    // store schedules every certificate). Backends override it to write them
    // in one transaction with one generation; this fallback writes one by one.
    virtual void update_renewal_states(const std::vector<std::pair<std::int64_t, RenewalState>>& states) {
        for (const auto& [id, state] : states) update_renewal_state(id, state);
    }
    virtual void update_settings(std::int64_t id, const std::string& settings_json) = 0;
    // Read-modify-write of settings_json in ONE write transaction (concurrent
    // editors, in any process, never lose each other's change): writes
    // edit(old) when it differs (bumping the generation) and returns the new
    // text. Throws StoreError (NotFound) for an unknown id; an exception from
    // `edit` writes nothing.
    virtual std::string edit_settings(std::int64_t id,
                                      const std::function<std::string(const std::string&)>& edit) = 0;
    // Sets certificates.deploy_pending; bumps the generation. NotFound for an unknown id.
    virtual void set_deploy_pending(std::int64_t id, bool pending) = 0;

    // ---- challenges -----------------------------------------------------------
    virtual std::int64_t put_challenge(const Challenge& challenge) = 0;
    virtual void delete_challenge(std::int64_t id) = 0;
    // Only unexpired rows are returned.
    virtual std::optional<Challenge> find_http01(const std::string& token) = 0;
    virtual std::optional<Challenge> find_tls_alpn01(const std::string& identifier) = 0;
    virtual std::vector<Challenge> active_challenges(ChallengeType type) = 0;
    // Deletes expired rows; returns how many.
    virtual int purge_expired_challenges() = 0;

    // ---- leases ---------------------------------------------------------------
    // Takes the lease if it is free or expired (atomically), else reports the
    // holder. A granted lease carries a fencing token that grows on every grant.
    virtual LeaseGrant acquire_lease(const std::string& name, const std::string& owner,
                                     int ttl_seconds) = 0;
    virtual bool renew_lease(const std::string& name, std::int64_t token, int ttl_seconds) = 0;
    virtual bool release_lease(const std::string& name, std::int64_t token) = 0;

    // ---- events ---------------------------------------------------------------
    virtual void add_event(const std::string& kind, std::int64_t certificate_id,
                           const std::string& detail) = 0;
    virtual std::vector<Event> list_events(std::int64_t certificate_id, int limit) = 0;

    // ---- on-demand issuance requests ------------------------------------------
    // Records that a handshake wants a certificate for `name`; one row per name
    // (UNIQUE), so concurrent requests collapse. True when this call inserted it.
    virtual bool request_issuance(const std::string& name, const std::string& reason) = 0;
    // Requests whose back-off has passed, oldest first (limit <= 0: all).
    virtual std::vector<IssuanceRequest> due_issuance_requests(int limit) = 0;
    // Drops the request (fulfilled or abandoned). True when a row went.
    virtual bool finish_issuance_request(const std::string& name) = 0;
    // Counts a failed attempt and defers the request until `retry_at`.
    virtual bool fail_issuance_request(const std::string& name, const std::string& error, UnixTime retry_at) = 0;
    // Requests that failed at least once and are still backing off: every
    // on-demand gate sharing the store refuses these names until next_attempt
    // (limit <= 0: all).
    virtual std::vector<IssuanceRequest> failed_issuance_requests(int limit) = 0;

    // ---- on-demand allow/deny list ------------------------------------------------
    // Sets the rule for rule.pattern (replacing one for the same pattern). Rule
    // changes bump the generation, so agents notice them through change detection.
    virtual void put_on_demand_rule(const OnDemandRule& rule) = 0;
    // True when a rule went.
    virtual bool remove_on_demand_rule(const std::string& pattern) = 0;
    // Ordered by pattern.
    virtual std::vector<OnDemandRule> list_on_demand_rules() = 0;

    // ---- serving agents ------------------------------------------------------------
    // `certa serve` processes report the generation they have loaded, so that an
    // issuer tells the CA to validate a tls-alpn-01 challenge only once every
    // live agent serves it. These writes do not bump the generation.
    // Inserts or updates the agent's row (seen_at = `now`).
    virtual void report_loaded_generation(const std::string& agent_id, std::int64_t generation, UnixTime now) = 0;
    // Agents whose last report is at or after `since`, ordered by agent_id.
    virtual std::vector<ServingAgent> serving_agents_seen_since(UnixTime since) = 0;
    // On clean shutdown. True when a row went.
    virtual bool remove_serving_agent(const std::string& agent_id) = 0;

    // ---- OCSP responses (stapling) and maintenance asked for at handshake time --
    // Stores the certificate's OCSP state (replacing the last); bumps the
    // generation, and agents reload that certificate's staple
    // (ocsp_changed_since).
    virtual void put_ocsp_response(const OcspStaple& staple) = 0;
    virtual std::optional<OcspStaple> get_ocsp_response(std::int64_t certificate_id) = 0;
    // Certificates whose OCSP row's refresh_at has come (a new certificate's
    // row is due at once), oldest first (limit <= 0: all); one index range,
    // so nothing due reads no row. May name a certificate that is no longer
    // active: the caller retires its row (refresh_at far ahead).
    virtual std::vector<std::int64_t> certificates_needing_ocsp(UnixTime now, int limit) = 0;
    // Certificates whose OCSP row was written in a generation newer than `generation`.
    virtual std::vector<std::int64_t> ocsp_changed_since(std::int64_t generation) = 0;
    // OCSP rows of active certificates, without the DER (certa check, metrics).
    virtual std::vector<OcspStaple> list_ocsp_responses() = 0;
    // A handshake saw a stale staple: the next OCSP pass refreshes it
    // (refresh_at moves to now). No generation bump. True when it changed.
    virtual bool request_ocsp_refresh(std::int64_t certificate_id) = 0;
    // A handshake served a certificate past its renewal time: renew_at moves
    // to now (when later) so that the next `certa renew` or worker pass
    // renews it; records an event with `reason`. True when it changed.
    virtual bool request_renewal(std::int64_t certificate_id, const std::string& reason) = 0;

    // ---- change detection -----------------------------------------------------
    // Cheap: returns the generation counter, re-reading it only when another
    // connection committed (PRAGMA data_version) or this one wrote. Every write
    // of a certificate or challenge bumps the generation.
    virtual std::int64_t current_generation() = 0;
};

// Opens (and creates or migrates) the store at `location`: a file path for
// SQLite, a postgresql:// (or postgres://) URL for PostgreSQL. Throws StoreError with a clear message when it cannot.
std::unique_ptr<Store> open_store(const std::string& location, const OpenOptions& options = {});

}  // namespace certa::storage
