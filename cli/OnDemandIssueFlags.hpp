// The flags with which a daemon fulfils on-demand issuance requests (`certa
// serve --on-demand --server URL` and `certa worker`): the CA, its trust
// anchors, the challenge, the key type and the account;
// several --server make an ordered CA list with failover (FailoverIssuer); and the
// acme::OnDemandWorkerOptions they make.
#pragma once

#include "acme/request/IssueSettings.hpp"
#include "acme/issue/OnDemandWorker.hpp"
#include "cli/CaListFlags.hpp"
#include "storage/ChallengeType.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace certa::cli {

struct OnDemandIssueFlags {
    acme::IssueSettings settings = [] {
        acme::IssueSettings s;
        s.challenge = storage::to_string(storage::ChallengeType::TlsAlpn01);  // answered from the store by certa serve or nginx's module
        return s;
    }();
    std::vector<std::string> email;
    bool agree_tos = false;
    CaListFlags cas;  // --server (repeatable: the CAs tried in order) and each CA's EAB flags
};

// Adds --server, --ca-bundle, --challenge, --key-type, --email, --agree-tos and
// the EAB flags. `prefix` starts each help text; `without_server` says what
// the command does without --server; `challenge_help` says who answers each
// challenge type for this command.
void add_on_demand_issue_flags(CLI::App* cmd, OnDemandIssueFlags& flags, const std::string& prefix,
                               const std::string& without_server, const std::string& challenge_help);

// The worker's options for the store at `store_location`. Throws CliError
// (usage) when the settings are incomplete; wipes the EAB key from `flags`.
acme::OnDemandWorkerOptions make_on_demand_worker_options(const std::string& store_location,
                                                          OnDemandIssueFlags& flags);

}  // namespace certa::cli
