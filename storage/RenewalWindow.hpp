// When a certificate's own lifetime says it is due for renewal (without ARI):
// the one home of that rule, beside the row it reads, for `certa renew`, the
// on-demand gate that queues renewals at handshake time and the worker that
// fulfils them.
#pragma once

#include "storage/base/Clock.hpp"
#include "storage/StoreTypes.hpp"

namespace certa::storage {

// Renewal starts once less than 1/3 of the lifetime remains (1/2 for
// lifetimes of at most 10 days, such as short-lived 6-day certificates).
UnixTime renewal_window_start(UnixTime not_before, UnixTime not_after);

// Valid at `now` and past renewal_window_start.
bool in_renewal_window(UnixTime not_before, UnixTime not_after, UnixTime now);

// The time `certa renew` renews `cert`: renewal_window_start, earlier by a
// stable jitter derived from the serial (at most 5% of the lifetime) so that
// certificates issued together spread out.
UnixTime fallback_renew_at(const CertificateRecord& cert);

}  // namespace certa::storage
