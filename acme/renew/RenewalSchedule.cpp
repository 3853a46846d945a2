#include "acme/renew/RenewalSchedule.hpp"

#include "storage/RenewalWindow.hpp"

#include "acme/renew/AriClient.hpp"
#include "acme/renew/RenewalPolicy.hpp"

#include <spdlog/spdlog.h>

namespace certa::acme {
namespace {

using storage::UnixTime;

constexpr UnixTime kAriErrorRetry = 3600;  // a failed renewalInfo poll is retried after an hour

bool same(const storage::RenewalState& a, const storage::RenewalState& b) {
    return a.ari_window_start == b.ari_window_start && a.ari_window_end == b.ari_window_end &&
           a.ari_next_check == b.ari_next_check && a.renew_at == b.renew_at && a.next_attempt == b.next_attempt &&
           a.failures == b.failures && a.last_error == b.last_error &&
           a.last_error_class == b.last_error_class;
}

// Polls renewalInfo (or learns that the CA has none) and updates `state`.
void refresh(const storage::CertificateRecord& cert, storage::RenewalState& state, UnixTime now,
             const std::function<AcmeClient&()>& client) {
    try {
        AcmeClient& acme = client();
        if (!acme.directory().renewal_info || cert.ari_cert_id.empty()) {
            state.ari_window_start = state.ari_window_end = 0;
            state.renew_at = storage::fallback_renew_at(cert);
            state.ari_next_check = now + ari_poll_interval(std::nullopt).count();
            return;
        }
        const RenewalInfo info = fetch_renewal_info(acme, cert.ari_cert_id);
        // RFC 9773 §4.2: pick a new random time only when the window moved.
        const bool moved = info.window_start != state.ari_window_start || info.window_end != state.ari_window_end;
        if (moved || state.renew_at == 0) state.renew_at = pick_in_window(info.window_start, info.window_end);
        state.ari_window_start = info.window_start;
        state.ari_window_end = info.window_end;
        state.ari_next_check = now + ari_poll_interval(info.retry_after).count();
        spdlog::debug("certificate {}: ARI window {}..{}, renew at {}", cert.id, info.window_start, info.window_end,
                      state.renew_at);
    } catch (const std::exception& e) {
        spdlog::warn("certificate {}: cannot get renewal information: {}", cert.id, e.what());
        state.ari_next_check = now + kAriErrorRetry;
        if (state.renew_at == 0) state.renew_at = storage::fallback_renew_at(cert);
    }
}

}  // namespace

DueCheck check_due(storage::Store& store, const storage::CertificateRecord& cert, const DueOptions& options,
                   const std::function<AcmeClient&()>& client) {
    const UnixTime now = options.now;
    if (options.force) return {true, now};
    if (options.days) {
        const UnixTime when = cert.not_after - static_cast<UnixTime>(*options.days) * 86400;
        return {due_within_days(cert, *options.days, now), when};
    }
    storage::RenewalState state = storage::renewal_state_of(cert);
    if (now >= state.ari_next_check) refresh(cert, state, now, client);
    if (state.renew_at == 0) state.renew_at = storage::fallback_renew_at(cert);
    const UnixTime when = std::min(state.renew_at, cert.not_after);
    const bool due = now >= when;
    if (!same(state, storage::renewal_state_of(cert))) {
        // A due certificate's state is written now: its renewal may record a
        // failure (back-off) after this, which a later batch must not undo.
        if (options.batch && !due)
            options.batch->add(cert.id, state);
        else
            store.update_renewal_state(cert.id, state);
    }
    return {due, when};
}

void RenewalStateBatch::add(std::int64_t certificate_id, const storage::RenewalState& state) {
    std::lock_guard lock(mutex_);
    pending_.emplace_back(certificate_id, state);
}

void RenewalStateBatch::flush() noexcept {
    std::vector<std::pair<std::int64_t, storage::RenewalState>> batch;
    {
        std::lock_guard lock(mutex_);
        batch.swap(pending_);
    }
    if (batch.empty()) return;
    try {
        store_.update_renewal_states(batch);
    } catch (const std::exception& e) {
        spdlog::warn("cannot record the renewal schedule of {} certificate(s): {}", batch.size(), e.what());
    }
}

}  // namespace certa::acme
