// Issuance orchestration: ensure the account, generate the certificate key,
// run an order, and store key + chain + names in one transaction
// (Store::put_certificate) with the settings needed to renew it. Nothing is
// stored when any step fails; a "failed" event records why.
// One Issuer speaks to one CA; FailoverIssuer tries a list of them in order
// (and issues one certificate per name with N threads: `--each`).
#pragma once

#include "acme/challenge/ChallengeSolver.hpp"
#include "acme/protocol/AccountService.hpp"
#include "acme/protocol/AcmeClient.hpp"
#include "acme/request/Identifier.hpp"
#include "acme/request/IssueSettings.hpp"
#include "storage/Store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace certa::acme {

// Renewal context for one issuance (RFC 9773 §5 "replaces", lease fencing).
struct IssueExtras {
    std::optional<std::int64_t> replaces;  // row marked replaced in the same transaction
    std::string replaces_cert_id;          // ARI certID sent as newOrder "replaces" ("" = none)
    std::optional<storage::LeaseFence> fence;
    std::string event_kind = "issued";     // "renewed" for renewals
    bool deploy_pending = false;           // stored with the row: its export + deploy hook still has to run
};

struct EachOutcome {
    Identifier identifier;
    std::optional<storage::CertificateRecord> record;  // set on success
    std::string error;                                 // one line, set on failure
};

class Issuer {
public:
    Issuer(storage::Store& store, AcmeClient& client, ChallengeSolver& solver, RegisterOptions account_options);

    // Loads or registers the account for the client's server (once).
    const storage::Account& ensure_account();
    // One certificate for all `identifiers`. Throws on failure (AcmeError,
    // HttpError, StoreError, ...); nothing is stored then.
    storage::CertificateRecord issue(const std::vector<Identifier>& identifiers, const IssueSettings& settings,
                                     const IssueExtras& extras = {});
    // A certificate that replaces `current` (certa renew, on-demand renewals):
    // stored with `replaces` in the same transaction, fenced by `fence`, event
    // "renewed". RFC 9773 §5: newOrder names current's ARI certID only when
    // the CA offers renewalInfo and the same CA and account issued it; a CA
    // that refuses the replacement (409 alreadyReplaced, or 403 unauthorized:
    // another account's certificate) is asked once without it.
    storage::CertificateRecord reissue(const std::vector<Identifier>& identifiers, const IssueSettings& settings,
                                       const storage::CertificateRecord& current, const storage::LeaseFence& fence,
                                       bool deploy_pending = false);

private:
    void use_account_of(const storage::CertificateRecord& current);

    storage::Store& store_;
    AcmeClient& client_;
    ChallengeSolver& solver_;
    RegisterOptions account_options_;
    std::optional<storage::Account> account_;
};

// "a.example, b.example" for messages and events.
std::string join_names(const std::vector<Identifier>& identifiers);

}  // namespace certa::acme
