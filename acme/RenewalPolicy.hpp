// When a certificate is due for renewal, without the network: the fallback
// schedule (a fraction of the lifetime, with a stable per-certificate jitter),
// `--days N`, the random pick inside an RFC 9773 suggested window, how long an
// ARI answer stays fresh, and the exponential back-off after failures.
#pragma once

#include "storage/StoreTypes.hpp"

#include <chrono>
#include <cstdint>
#include <optional>

namespace certa::acme {

using storage::UnixTime;

// Without ARI: renew when less than 1/3 of the lifetime remains (1/2 for
// lifetimes of at most 10 days), earlier by a jitter derived from the serial
// (at most 5% of the lifetime) so certificates issued together spread out.
UnixTime fallback_renew_at(const storage::CertificateRecord& cert);

// `--days N`: due once fewer than N days remain.
bool due_within_days(const storage::CertificateRecord& cert, int days, UnixTime now);

// RFC 9773 §4.2: a uniformly random time in [start, end] (start when end <= start).
UnixTime pick_in_window(UnixTime start, UnixTime end);

// RFC 9773 §4.3: the next renewalInfo poll. Retry-After clamped to
// [1 minute, 1 day]; 6 hours without one.
std::chrono::seconds ari_poll_interval(std::optional<std::chrono::seconds> retry_after);

// After `failures` consecutive failures (>= 1): 5 minutes, doubling, capped at 1 day.
std::chrono::seconds backoff_delay(int failures);

}  // namespace certa::acme
