// Issuance from an ordered list of CAs (issue 24, `--server A --server B`):
// each CA is tried in the operator's order with its own client and account
// (one acme::Issuer each) until one issues; FailoverPolicy alone decides
// whether a failure moves on to the next CA. A renewal starts again at the
// head of the list every time: the operator's order is the preference, so
// once the first CA is back it issues again. Issuer::reissue sends ARI's
// `replaces` only when the answering CA is the one that issued the old
// certificate (RFC 9773 §5). Every attempt's failure is kept: when no CA
// issues, CaFailoverError names each CA tried with its error, in one line.
#pragma once

#include "acme/challenge/ChallengeSolver.hpp"
#include "acme/issue/Issuer.hpp"
#include "acme/protocol/AccountService.hpp"
#include "acme/protocol/AcmeClient.hpp"
#include "acme/request/Identifier.hpp"
#include "acme/request/IssueSettings.hpp"
#include "storage/Store.hpp"

#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace certa::acme {

// One CA of the list: its client (not owned; outlives the FailoverIssuer)
// and the account options used to register there (EAB is per CA).
struct CaEndpoint {
    AcmeClient* client = nullptr;
    RegisterOptions account;
};

struct CaAttempt {
    std::string server;        // directory URL
    std::exception_ptr error;  // the typed error
    std::string message;       // its one-line text
};

// More than one CA was tried and none issued. what(): one line,
// "no CA issued the certificate: A: <error>; B: <error>".
class CaFailoverError : public std::runtime_error {
public:
    // `stopped`: the last CA's error was one not to fail over on (FailoverDecision::Stop).
    CaFailoverError(std::vector<CaAttempt> attempts, bool stopped);
    const std::vector<CaAttempt>& attempts() const noexcept { return attempts_; }
    // The error that decides the exit code and the renewal's error class:
    // the last CA's when it stopped the run (FailoverDecision::Stop), else
    // the first CA's (every CA failed on its side).
    std::exception_ptr relevant() const;

private:
    std::vector<CaAttempt> attempts_;
    bool stopped_ = false;
};

class FailoverIssuer {
public:
    // `cas` in the order they are tried; at least one.
    FailoverIssuer(storage::Store& store, ChallengeSolver& solver, std::vector<CaEndpoint> cas);
    ~FailoverIssuer();
    FailoverIssuer(const FailoverIssuer&) = delete;
    FailoverIssuer& operator=(const FailoverIssuer&) = delete;

    // Issuer::issue / Issuer::reissue on the first CA that issues. With one CA
    // its error is thrown unchanged; after several, CaFailoverError.
    storage::CertificateRecord issue(const std::vector<Identifier>& identifiers, const IssueSettings& settings,
                                     const IssueExtras& extras = {});
    storage::CertificateRecord reissue(const std::vector<Identifier>& identifiers, const IssueSettings& settings,
                                       const storage::CertificateRecord& current, const storage::LeaseFence& fence,
                                       bool deploy_pending = false);
    // One certificate per identifier, `parallel` at a time, each with
    // failover. Never throws for a single name's failure (EachOutcome::error).
    std::vector<EachOutcome> issue_each(const std::vector<Identifier>& identifiers, const IssueSettings& settings,
                                        int parallel);

private:
    template <typename Attempt>
    storage::CertificateRecord first_success(const std::vector<Identifier>& identifiers, Attempt&& attempt);

    std::vector<std::unique_ptr<Issuer>> issuers_;
    std::vector<std::string> servers_;
    std::mutex account_mutex_;  // issue_each: one registration per CA, not one per thread
};

}  // namespace certa::acme
