#include "cli/OnDemandIssueFlags.hpp"

#include "acme/issue/IssueSettingsCheck.hpp"
#include "cli/CliError.hpp"
#include "storage/ChallengeType.hpp"
#include "storage/KeyType.hpp"

namespace certa::cli {

void add_on_demand_issue_flags(CLI::App* cmd, OnDemandIssueFlags& flags, const std::string& prefix,
                               const std::string& without_server, const std::string& challenge_help) {
    add_ca_list_flags(cmd, flags.cas,
                      prefix + "ACME directory URL; repeatable: the CAs tried in this order (without it: " +
                          without_server + ")",
                      prefix);
    cmd->add_option("--ca-bundle", flags.settings.ca_bundle, prefix + "extra trust anchors for the CA's HTTPS");
    cmd->add_option("--challenge", flags.settings.challenge, prefix + challenge_help)
        ->check(CLI::IsMember(storage::challenge_type_names(true)));  // dns-01 needs a hook these daemons have not
    cmd->add_option("--key-type", flags.settings.key_type,
                    prefix + "certificate key type (default " + std::string(storage::kDefaultKeyType) + ")")
        ->check(CLI::IsMember(storage::key_type_names()));
    cmd->add_option("--email", flags.email, prefix + "account contact address; repeatable");
    cmd->add_flag("--agree-tos", flags.agree_tos, prefix + "agree to the CA's terms of service");
}

acme::OnDemandWorkerOptions make_on_demand_worker_options(const std::string& store_location,
                                                          OnDemandIssueFlags& flags) {
    acme::OnDemandWorkerOptions options;
    options.store_location = store_location;
    options.settings = flags.settings;
    options.accounts = ca_register_options(flags.cas, flags.email, flags.agree_tos);
    if (!flags.cas.servers.empty()) options.settings.server = flags.cas.servers.front();
    if (flags.cas.servers.size() > 1) options.settings.servers = flags.cas.servers;
    if (!options.accounts.empty()) options.settings.contact = options.accounts.front().contact;
    if (std::string problem = acme::validate(options.settings); !problem.empty())
        throw CliError(ExitCode::Usage, problem);
    return options;
}

}  // namespace certa::cli
