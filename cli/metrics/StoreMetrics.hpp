// What the store says about the health of its certificates, reduced to the
// numbers monitoring needs (no key, no PEM, no error text): the one source of
// `certa metrics`, `certa check` and the store part of `certa serve --metrics`.
#pragma once

#include "storage/Store.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace certa::cli {

struct CertificateGauges {
    std::int64_t id = 0;
    std::string name;                  // primary name (the first identifier)
    std::string ca;                    // directory URL of the CA that issued it
    storage::UnixTime not_before = 0;
    storage::UnixTime not_after = 0;
    // The chosen renewal time, else the one `certa renew` would use
    // (storage::fallback_renew_at): always set.
    storage::UnixTime renew_at = 0;
    int failures = 0;                  // failed renewal attempts since the last success
    std::string error_class;           // storage::renewal_error_class: the stored class, not the text
    bool deploy_pending = false;
    // The stored OCSP answer (Store::list_ocsp_responses): "good", "revoked",
    // "unknown", "none" (no OCSP URL) or "" (not fetched yet).
    std::string ocsp_status;
    storage::UnixTime ocsp_next_update = 0;  // 0: none stored
};

struct StoreMetrics {
    std::int64_t generation = 0;                 // the store's generation when read
    std::vector<CertificateGauges> certificates; // active certificates, by id
    std::size_t requests_due = 0;                // on-demand issuance requests ready to be taken
    std::size_t requests_backing_off = 0;        // failed at least once, waiting for their retry time
};

// Reads StoreMetrics through the Store interface (reads only). Certificate
// rows are read again only when the store's generation moved since the last
// read, so a scrape of an unchanged store costs two small queries; the
// on-demand requests are read every time (a failed attempt does not move
// the generation). Not thread-safe.
class StoreMetricsReader {
public:
    explicit StoreMetricsReader(storage::Store& store) : store_(store) {}
    // Throws storage::StoreError when the store cannot be read (the last
    // result is kept for the next try).
    const StoreMetrics& read();

private:
    storage::Store& store_;
    StoreMetrics metrics_;
    bool loaded_ = false;
};

}  // namespace certa::cli
