// Decides whether one certificate is due, keeping its RenewalState in the
// store up to date: RFC 9773 renewalInfo is fetched only once ari_next_check
// has passed (so a run with nothing due stays off the network), otherwise the
// stored renew_at (ARI pick or the fallback schedule) decides.
#pragma once

#include "acme/protocol/AcmeClient.hpp"
#include "storage/Store.hpp"

#include <functional>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace certa::acme {

struct DueCheck {
    bool due = false;
    storage::UnixTime when = 0;  // when it is (or was) due
};

class RenewalStateBatch;

struct DueOptions {
    bool force = false;          // due now
    std::optional<int> days;     // due when fewer than N days remain (no ARI)
    storage::UnixTime now = 0;
    // When set, the state of a certificate that is not due is queued here
    // (written later in one transaction) instead of written at once.
    RenewalStateBatch* batch = nullptr;
};

// Renewal states collected during one `certa renew` run and written
// together: a first run over a large store chooses a renewal time for every
// certificate, and one transaction per certificate made that run slow.
// Thread-safe. Losing the batch (a crash) only means the next run
// recomputes the same states.
class RenewalStateBatch {
public:
    explicit RenewalStateBatch(storage::Store& store) : store_(store) {}
    void add(std::int64_t certificate_id, const storage::RenewalState& state);
    // Writes what was queued (Store::update_renewal_states); a failure is
    // logged, never thrown (the states are recomputed next run).
    void flush() noexcept;

private:
    storage::Store& store_;
    std::mutex mutex_;
    std::vector<std::pair<std::int64_t, storage::RenewalState>> pending_;
};

// `client` is called only when renewalInfo must be (re)fetched; it returns
// the ACME client for the certificate's CA.
DueCheck check_due(storage::Store& store, const storage::CertificateRecord& cert, const DueOptions& options,
                   const std::function<AcmeClient&()>& client);

}  // namespace certa::acme
