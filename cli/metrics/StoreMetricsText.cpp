#include "cli/metrics/StoreMetricsText.hpp"

#include <algorithm>
#include <functional>
#include <string>

namespace certa::cli {

namespace {

// One gauge family with a sample per certificate, labelled id and name.
void per_certificate(PrometheusText& out, const StoreMetrics& metrics, std::string_view name,
                     std::string_view help, const std::function<std::int64_t(const CertificateGauges&)>& value) {
    out.family(name, "gauge", help);
    for (const auto& cert : metrics.certificates) {
        const std::string id = std::to_string(cert.id);
        out.sample({{"id", id}, {"name", cert.name}}, value(cert));
    }
}

}  // namespace

void append_store_metrics(PrometheusText& out, const StoreMetrics& metrics) {
    out.single("certa_certificates", "gauge", "Active certificates in the store.",
               static_cast<std::int64_t>(metrics.certificates.size()));
    per_certificate(out, metrics, "certa_certificate_not_before_timestamp_seconds",
                    "Start of the certificate's validity (unix time).",
                    [](const CertificateGauges& c) { return c.not_before; });
    per_certificate(out, metrics, "certa_certificate_not_after_timestamp_seconds",
                    "End of the certificate's validity (unix time).",
                    [](const CertificateGauges& c) { return c.not_after; });
    per_certificate(out, metrics, "certa_certificate_renew_at_timestamp_seconds",
                    "When certa renew renews the certificate (unix time): the chosen time, else the lifetime rule's.",
                    [](const CertificateGauges& c) { return c.renew_at; });
    per_certificate(out, metrics, "certa_certificate_renewal_failures",
                    "Failed renewal attempts since the certificate was issued or last renewed.",
                    [](const CertificateGauges& c) { return std::int64_t{c.failures}; });
    per_certificate(out, metrics, "certa_certificate_deploy_pending",
                    "1 while the export or deploy hook of a renewal still has to run.",
                    [](const CertificateGauges& c) { return std::int64_t{c.deploy_pending ? 1 : 0}; });

    // An info metric (always 1): join on id for the CA of any other gauge.
    out.family("certa_certificate_info", "gauge", "Always 1, labelled with the directory URL of the CA that issued the certificate.");
    for (const auto& cert : metrics.certificates)
        out.sample({{"id", std::to_string(cert.id)}, {"name", cert.name}, {"ca", cert.ca}}, std::int64_t{1});

    out.family("certa_certificate_renewal_error", "gauge",
               "1 when the last renewal step failed, labelled with the error class "
               "(the ACME problem type, network, deploy or other); 0 with class none otherwise.");
    for (const auto& cert : metrics.certificates) {
        const std::string id = std::to_string(cert.id);
        out.sample({{"id", id}, {"name", cert.name}, {"class", cert.error_class}},
                   std::int64_t{cert.error_class == "none" ? 0 : 1});
    }

    // Issue 23: a revoked answer schedules a renewal; until the new row
    // replaces this one, it shows here (and in certa check).
    per_certificate(out, metrics, "certa_certificate_ocsp_revoked",
                    "1 when the certificate's OCSP responder says revoked (a renewal is scheduled now).",
                    [](const CertificateGauges& c) { return std::int64_t{c.ocsp_status == "revoked" ? 1 : 0}; });
    per_certificate(out, metrics, "certa_certificate_ocsp_next_update_timestamp_seconds",
                    "nextUpdate of the stored OCSP response (unix time); 0 when none is stored.",
                    [](const CertificateGauges& c) { return c.ocsp_next_update; });
    out.single("certa_ocsp_revoked", "gauge", "Active certificates whose OCSP responder says revoked.",
               static_cast<std::int64_t>(std::count_if(metrics.certificates.begin(), metrics.certificates.end(),
                                                       [](const auto& c) { return c.ocsp_status == "revoked"; })));

    out.single("certa_store_generation", "gauge", "The store's change counter when read.", metrics.generation);
    out.family("certa_ondemand_requests", "gauge",
               "On-demand issuance requests in the store: due (ready to be taken) or backing_off (failed, retried later).");
    out.sample({{"state", "due"}}, static_cast<std::int64_t>(metrics.requests_due));
    out.sample({{"state", "backing_off"}}, static_cast<std::int64_t>(metrics.requests_backing_off));
}

}  // namespace certa::cli
