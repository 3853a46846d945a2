// When a certificate is due for renewal, without the network: `--days N`,
// the random pick inside an RFC 9773 suggested window, how long an ARI answer
// stays fresh, and the exponential back-off after failures. The lifetime rule
// itself (the fallback schedule) lives in storage/RenewalWindow.hpp.
#pragma once

#include "storage/StoreTypes.hpp"

#include <chrono>
#include <cstdint>
#include <optional>

namespace certa::acme {

using storage::UnixTime;

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
