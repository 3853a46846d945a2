// When an active certificate next needs `certa renew`'s attention, as one
// portable SQL expression over a certificates row. The index
// certificates_by_attention is built on it, so a run with nothing to do
// reads no row at all; CertificateTable::needing_attention queries it.
//
// It mirrors acme::Renewer::process: nothing happens to a row backing off
// after failures (next_attempt); otherwise the row is looked at once a deploy
// is pending, its renewal time was never chosen (renew_at 0), its ARI check
// is due (RFC 9773 §4.3: at the server's Retry-After) or its renewal time or
// expiry has come. Whatever else the renewer decides (a changed ARI window,
// the lifetime rule) it writes back, which moves this value.
#pragma once

namespace certa::storage::schema {

inline constexpr const char* kRenewalAttentionAt =
    "{GREATEST}(next_attempt, CASE WHEN deploy_pending THEN 0 WHEN renew_at = 0 THEN 0"
    " ELSE {LEAST}(ari_next_check, renew_at, not_after) END)";

}  // namespace certa::storage::schema
