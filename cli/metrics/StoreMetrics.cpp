#include "cli/metrics/StoreMetrics.hpp"

#include "storage/RenewalErrorClass.hpp"
#include "storage/RenewalWindow.hpp"

#include <algorithm>

namespace certa::cli {

namespace {

CertificateGauges gauges_of(const storage::CertificateRecord& cert) {
    CertificateGauges g;
    g.id = cert.id;
    g.name = cert.names.empty() ? std::string() : cert.names.front();
    g.ca = cert.server;
    g.not_before = cert.not_before;
    g.not_after = cert.not_after;
    g.renew_at = cert.renew_at != 0 ? cert.renew_at : storage::fallback_renew_at(cert);
    g.failures = cert.failures;
    g.error_class = storage::renewal_error_class(cert);
    g.deploy_pending = cert.deploy_pending;
    return g;
}

}  // namespace

const StoreMetrics& StoreMetricsReader::read() {
    // The generation first: every row committed up to it is then in the list.
    const std::int64_t generation = store_.current_generation();
    if (!loaded_ || generation != metrics_.generation) {
        std::vector<CertificateGauges> certificates;
        storage::CertificateFilter active;
        active.columns = storage::CertificateColumns::Summary;  // no key or chain is read for monitoring
        for (const auto& cert : store_.list_certificates(active))
            certificates.push_back(gauges_of(cert));
        std::sort(certificates.begin(), certificates.end(),
                  [](const auto& a, const auto& b) { return a.id < b.id; });
        // Both lists are ordered by id: one merge.
        auto it = certificates.begin();
        for (const auto& ocsp : store_.list_ocsp_responses()) {
            while (it != certificates.end() && it->id < ocsp.certificate_id) ++it;
            if (it == certificates.end()) break;
            if (it->id != ocsp.certificate_id) continue;
            it->ocsp_status = ocsp.status;
            it->ocsp_next_update = ocsp.next_update;
        }
        metrics_.certificates = std::move(certificates);
        metrics_.generation = generation;
        loaded_ = true;
    }
    metrics_.requests_due = store_.due_issuance_requests(0).size();
    metrics_.requests_backing_off = store_.failed_issuance_requests(0).size();
    return metrics_;
}

}  // namespace certa::cli
