// The one rule for CA failover (issue 24): given why an issuance from one CA
// of a certificate's ordered list failed, is the next CA tried? Decided from
// the error's type and its ACME problem type (RFC 8555 §6.7), never from
// message text.
//   Next CA: the CA's side failed — cannot connect, TLS, timeout (HttpError);
//            HTTP 5xx or `serverInternal`; `rateLimited` with a Retry-After
//            that ends after the run's deadline.
//   Stop:    what the next CA would answer too — `rejectedIdentifier`, `caa`,
//            `unauthorized` — and every other ACME problem; every local error
//            (settings, store, hooks, files, DNS updates).
#pragma once

#include <chrono>
#include <exception>

namespace certa::acme {

enum class FailoverDecision { NextCa, Stop };

// `remaining`: what is left of the run's time budget when the error arrived
// (kFailoverRunBudget from the start of the issuance).
FailoverDecision failover_decision(const std::exception& error, std::chrono::seconds remaining);

// How long one issuance may wait for a rate-limited CA before the next one is
// asked: AcmeClient's own Retry-After budget per request (RetryPolicy).
inline constexpr std::chrono::seconds kFailoverRunBudget{60};

}  // namespace certa::acme
