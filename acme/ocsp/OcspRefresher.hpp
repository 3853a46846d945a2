// The OCSP step of `certa renew` and `certa worker` (cf. certmagic's
// handshakeMaintenance / updateOCSPStaples): for every active certificate
// whose stored OCSP response is missing or due (Store::certificates_needing_ocsp),
// asks the responder named in the leaf's AIA (OcspRequestBuilder,
// OcspFetcher), keeps the answer only once OcspResponseCheck accepts it, and
// stores it with thisUpdate and nextUpdate (Store::put_ocsp_response), to be
// fetched again at half its validity. A certificate without an OCSP URL gets
// status "none" and is never asked about again; nor is one no longer active
// (its row is retired). A "revoked" answer schedules
// the certificate's renewal now (renew_at, event "ocsp-revoked"); the
// Renewer that runs next renews it. A failed fetch keeps the last good
// response and retries later. Never throws for one certificate; a
// storage::StoreError (locked, read-only, full disk) ends the run.
#pragma once

#include "acme/protocol/HttpClient.hpp"
#include "storage/Store.hpp"
#include "storage/base/Clock.hpp"

#include <string>
#include <vector>

namespace certa::acme {

struct OcspRefreshOptions {
    const storage::Clock* clock = &storage::Clock::system();
    long timeout_ms = 10000;   // per responder request
    int limit = 0;             // certificates looked at per run (0: all due)
};

struct OcspOutcome {
    std::int64_t certificate_id = 0;
    std::string name;          // primary name
    std::string status;        // "good", "revoked", "unknown", "none", "failed", or "retired" (no longer active)
    std::string error;         // failed: why
    bool renewal_scheduled = false;  // revoked: renew_at moved to now
};

class OcspRefresher {
public:
    OcspRefresher(storage::Store& store, OcspRefreshOptions options = {});
    // Outcomes for the certificates looked at (nothing due: empty). Store
    // failures (StoreError) propagate, while listing or writing.
    std::vector<OcspOutcome> run();

private:
    OcspOutcome refresh(std::int64_t id, HttpClient& http);
    void schedule_renewal(const storage::CertificateRecord& cert, storage::UnixTime now);

    storage::Store& store_;
    OcspRefreshOptions options_;
};

}  // namespace certa::acme
