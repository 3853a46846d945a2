#include "acme/ocsp/OcspRefresher.hpp"

#include "acme/ocsp/OcspError.hpp"
#include "acme/ocsp/OcspFetcher.hpp"
#include "acme/ocsp/OcspRequestBuilder.hpp"
#include "acme/ocsp/OcspResponseCheck.hpp"
#include "storage/base/OpenSsl.hpp"
#include "storage/StoreError.hpp"
#include "storage/base/Text.hpp"
#include "storage/ocsp/OcspAnswer.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace certa::acme {

using storage::UnixTime;

namespace {

constexpr UnixTime kMinRefresh = 60;       // never ask one responder again sooner
constexpr UnixTime kFailureRetry = 3600;   // after a failed fetch (sooner when the kept response runs out)
constexpr UnixTime kNever = 253402300799;  // 9999-12-31T23:59:59Z: a row no longer due

// When a failed fetch is retried: within the hour, or half-way to the kept
// response's expiry when that comes first.
UnixTime retry_after_failure(const std::optional<storage::OcspStaple>& kept, UnixTime now) {
    UnixTime wait = kFailureRetry;
    if (kept && !kept->der.empty()) {
        const UnixTime left = storage::ocsp_answer_expiry(kept->this_update, kept->next_update) - now;
        if (left > 0) wait = std::min(wait, left / 2);
    }
    return now + std::max(wait, kMinRefresh);
}

}  // namespace

OcspRefresher::OcspRefresher(storage::Store& store, OcspRefreshOptions options)
    : store_(store), options_(options) {}

std::vector<OcspOutcome> OcspRefresher::run() {
    const auto ids = store_.certificates_needing_ocsp(options_.clock->now(), options_.limit);
    std::vector<OcspOutcome> out;
    if (ids.empty()) return out;
    HttpOptions http_options;
    http_options.https_only = false;  // RFC 6960 Appendix A: OCSP runs over plain HTTP (responses are signed)
    http_options.connect_timeout_ms = std::min<long>(options_.timeout_ms, 5000);
    http_options.timeout_ms = options_.timeout_ms;
    http_options.max_body = 64 * 1024;
    HttpClient http(http_options);
    out.reserve(ids.size());
    for (std::int64_t id : ids) out.push_back(refresh(id, http));
    return out;
}

OcspOutcome OcspRefresher::refresh(std::int64_t id, HttpClient& http) {
    OcspOutcome out;
    out.certificate_id = id;
    const UnixTime now = options_.clock->now();
    std::optional<storage::OcspStaple> kept;
    try {
        auto cert = store_.get_certificate(id);
        if (!cert) return out;  // gone meanwhile
        if (!cert->key_pem.empty()) OPENSSL_cleanse(cert->key_pem.data(), cert->key_pem.size());
        out.name = cert->names.empty() ? "#" + std::to_string(id) : cert->names.front();
        kept = store_.get_ocsp_response(id);
        if (cert->status != storage::CertificateStatus::Active) {
            // Replaced or revoked: never asked about again (its row leaves the due range).
            storage::OcspStaple retired = kept ? *kept : storage::OcspStaple{};
            retired.certificate_id = id;
            retired.refresh_at = kNever;
            store_.put_ocsp_response(retired);
            out.status = "retired";
            return out;
        }
        const auto chain = ossl::parse_chain_pem(cert->chain_pem);
        const auto url = chain.empty() ? std::nullopt : ocsp_responder_url(chain.front().get());
        if (!url || chain.size() < 2) {
            // Quietly nothing: no responder to ask (or no issuer to check its answer against).
            storage::OcspStaple none;
            none.certificate_id = id;
            none.status = "none";
            none.refresh_at = cert->not_after;  // a certificate never gains an AIA; its renewal is a new row
            none.last_error = url ? "the stored chain has no issuer certificate" : "";
            store_.put_ocsp_response(none);
            out.status = "none";
            return out;
        }
        X509* leaf = chain.front().get();
        X509* issuer = chain[1].get();
        const std::string der = fetch_ocsp_response(http, *url, build_ocsp_request(leaf, issuer));
        const storage::OcspAnswer answer = check_ocsp_response(der, leaf, issuer, now);
        storage::OcspStaple staple;
        staple.certificate_id = id;
        staple.status = answer.status;
        staple.der = der;
        staple.this_update = answer.this_update;
        staple.next_update = answer.next_update;
        staple.refresh_at = std::max(storage::ocsp_refresh_time(answer.this_update, answer.next_update),
                                     now + kMinRefresh);
        staple.fetched = now;
        store_.put_ocsp_response(staple);
        out.status = answer.status;
        if (answer.status == "revoked") {
            schedule_renewal(*cert, now);
            out.renewal_scheduled = true;
        }
        return out;
    } catch (const storage::StoreError&) {
        throw;  // the store, not this certificate: the whole run stops (locked, read-only, full disk)
    } catch (const std::exception& e) {
        out.status = "failed";
        out.error = storage::one_line(e.what());
        spdlog::warn("certificate {}: OCSP: {}", id, out.error);
        try {
            storage::OcspStaple failed = kept ? *kept : storage::OcspStaple{};
            failed.certificate_id = id;
            failed.last_error = out.error;
            failed.refresh_at = retry_after_failure(kept, now);
            store_.put_ocsp_response(failed);
        } catch (const std::exception& inner) {
            spdlog::warn("certificate {}: cannot record the OCSP failure: {}", id, inner.what());
        }
        return out;
    }
}

void OcspRefresher::schedule_renewal(const storage::CertificateRecord& cert, UnixTime now) {
    // RFC 6960 §2.2: revoked. Renew now; ARI is not asked again for a row about to be replaced.
    storage::RenewalState state = storage::renewal_state_of(cert);
    if (state.renew_at == 0 || state.renew_at > now) state.renew_at = now;
    state.ari_next_check = std::max(state.ari_next_check, cert.not_after);
    state.next_attempt = 0;
    store_.update_renewal_state(cert.id, state);
    store_.add_event("ocsp-revoked", cert.id, "the OCSP responder says revoked: renewal scheduled now");
    spdlog::warn("certificate {} ({}): OCSP says revoked; renewing now", cert.id,
                 cert.names.empty() ? std::string() : cert.names.front());
}

}  // namespace certa::acme
