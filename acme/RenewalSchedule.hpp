// Decides whether one certificate is due, keeping its RenewalState in the
// store up to date: RFC 9773 renewalInfo is fetched only once ari_next_check
// has passed (so a run with nothing due stays off the network), otherwise the
// stored renew_at (ARI pick or the fallback schedule) decides.
#pragma once

#include "acme/AcmeClient.hpp"
#include "storage/Store.hpp"

#include <functional>
#include <optional>

namespace certa::acme {

struct DueCheck {
    bool due = false;
    storage::UnixTime when = 0;  // when it is (or was) due
};

struct DueOptions {
    bool force = false;          // due now
    std::optional<int> days;     // due when fewer than N days remain (no ARI)
    storage::UnixTime now = 0;
};

// `client` is called only when renewalInfo must be (re)fetched; it returns
// the ACME client for the certificate's CA.
DueCheck check_due(storage::Store& store, const storage::CertificateRecord& cert, const DueOptions& options,
                   const std::function<AcmeClient&()>& client);

}  // namespace certa::acme
