// CA failover decisions (FailoverPolicy.hpp): typed errors only.
#include "acme/issue/FailoverPolicy.hpp"

#include "acme/protocol/HttpClient.hpp"
#include "acme/protocol/Problem.hpp"

namespace certa::acme {

FailoverDecision failover_decision(const std::exception& error, std::chrono::seconds remaining) {
    // Cannot connect, TLS handshake, timeout, a body past the size limit.
    if (dynamic_cast<const HttpError*>(&error)) return FailoverDecision::NextCa;
    const auto* acme = dynamic_cast<const AcmeError*>(&error);
    if (!acme) return FailoverDecision::Stop;  // local: settings, store, hooks, files, DNS updates
    const Problem& p = acme->problem();
    // The next CA would refuse the same name (policy, CAA, authorization).
    if (p.is("rejectedIdentifier") || p.is("caa") || p.is("unauthorized")) return FailoverDecision::Stop;
    if (p.is("serverInternal") || p.status >= 500) return FailoverDecision::NextCa;
    // RFC 8555 §6.6: rateLimited, with Retry-After saying when to come back.
    if (p.is("rateLimited") && acme->retry_after() && *acme->retry_after() > remaining) return FailoverDecision::NextCa;
    return FailoverDecision::Stop;
}

}  // namespace certa::acme
