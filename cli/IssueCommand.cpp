// `certa issue`: one certificate for all -d names (or, with --each, one per
// name, --parallel at a time) from an ACME CA, stored with its key in the
// store; with several --server, from the first CA that issues (CA failover,
// acme/issue/FailoverIssuer). Composes acme/ (orders, solvers, the http-01 responder) with
// handshake/ (a temporary tls-alpn-01 responder for --tls-port).
#include "acme/challenge/ChallengeSetup.hpp"
#include "acme/deploy/Deployer.hpp"
#include "acme/issue/IssueSettingsCheck.hpp"
#include "acme/issue/FailoverIssuer.hpp"
#include "acme/request/Identifier.hpp"
#include "cli/CaListFlags.hpp"
#include "cli/CliError.hpp"
#include "cli/Commands.hpp"
#include "cli/DeployFlags.hpp"
#include "cli/IssueOutput.hpp"
#include "cli/OpenStore.hpp"
#include "cli/TemporaryTlsResponder.hpp"
#include "handshake/serve/ServeError.hpp"
#include "storage/ChallengeType.hpp"
#include "storage/KeyType.hpp"
#include "storage/open/StorePath.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <memory>

namespace certa::cli {

namespace {

struct IssueArgs {
    std::vector<std::string> names;
    std::string names_file;
    acme::IssueSettings settings;
    std::vector<std::string> email;
    bool agree_tos = false;
    CaListFlags cas;  // --server (repeatable, in order) and each CA's EAB flags
    bool each = false;
    int parallel = 4;
    DeployFlags deploy;
};

std::vector<std::string> read_names_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw CliError(ExitCode::LocalIo, "cannot read --names-file " + path);
    std::vector<std::string> names;
    std::string line;
    while (std::getline(in, line)) {
        const auto begin = line.find_first_not_of(" \t\r");
        if (begin == std::string::npos || line[begin] == '#') continue;
        const auto end = line.find_last_not_of(" \t\r");
        names.push_back(line.substr(begin, end - begin + 1));
    }
    return names;
}

std::vector<acme::Identifier> identifiers(const IssueArgs& args) {
    std::vector<std::string> names = args.names;
    if (!args.names_file.empty()) {
        auto more = read_names_file(args.names_file);
        names.insert(names.end(), more.begin(), more.end());
    }
    if (names.empty()) throw CliError(ExitCode::Usage, "no names: give -d NAME or --names-file FILE");
    try {
        return acme::parse_identifiers(names);
    } catch (const acme::IdentifierError& e) {
        throw CliError(ExitCode::Usage, e.what());
    }
}

// One per --server, in order; the list is recorded with the certificate.
std::vector<acme::RegisterOptions> register_options(IssueArgs& args) {
    auto accounts = ca_register_options(args.cas, args.email, args.agree_tos);
    args.settings.server = args.cas.servers.empty() ? std::string() : args.cas.servers.front();
    if (args.cas.servers.size() > 1) args.settings.servers = args.cas.servers;
    return accounts;
}

// Exit 1 with one line when the port cannot be bound (taken, no permission):
// nothing has been ordered or registered yet.
std::unique_ptr<TemporaryTlsResponder> start_tls_responder(const std::string& store, const acme::IssueSettings& s) {
    try {
        return std::make_unique<TemporaryTlsResponder>(store, s.http_address, s.tls_port);
    } catch (const handshake::ServeError& e) {
        throw CliError(ExitCode::Failure, "--tls-port " + std::to_string(s.tls_port) + ": " + e.what() +
                                              " (nothing was ordered; free the port, or leave out --tls-port "
                                              "when `certa serve` answers tls-alpn-01)");
    }
}

// --deploy: each new row was stored deploy-pending; deploy it now. A failure
// leaves it pending for the next `certa renew` (acme/deploy/Deployer).
void deploy_issued(storage::Store& store, const DeployFlags& flags, IssueReport& report) {
    acme::DeployOptions options;
    options.owner = lease_owner();
    // Every setting of the new rows came from this command line: nothing recorded elsewhere to consent to.
    options.policy = acme::LocalPolicy::trust_store();
    options.deploy_targets = flags.targets;
    options.deploy_checks = flags.checks;
    acme::Deployer deployer(store, options);
    for (const auto& cert : report.issued) {
        std::string error;
        try {
            error = deployer.finish(cert.id).value_or("");
        } catch (const std::exception& e) {
            error = std::string("deploy failed: ") + e.what();
        }
        if (!error.empty()) report.deploy_failed.push_back({cert.names.front(), error});
    }
}

int run_issue(const GlobalOptions& g, IssueArgs args) {
    const auto ids = identifiers(args);
    const std::vector<acme::RegisterOptions> accounts = register_options(args);
    if (accounts.empty()) throw CliError(ExitCode::Usage, "no ACME server (--server URL)");
    args.settings.contact = accounts.front().contact;
    args.settings.agree_tos = args.agree_tos;  // renewals that must register again agree too
    args.settings.deploy_targets = args.deploy.targets;  // recorded: renewals deploy there too
    args.settings.deploy_checks = args.deploy.checks;
    if (std::string problem = acme::validate(args.settings); !problem.empty()) throw CliError(ExitCode::Usage, problem);

    auto store = open_store(g);
    // The --tls-port responder binds first: a taken port fails before the CA hears of anything.
    std::unique_ptr<TemporaryTlsResponder> tls_responder;
    if (storage::parse_challenge_type(args.settings.challenge) == storage::ChallengeType::TlsAlpn01 && args.settings.tls_port != 0)
        tls_responder = start_tls_responder(store_path(g), args.settings);
    std::vector<std::unique_ptr<acme::AcmeClient>> clients;
    std::vector<acme::CaEndpoint> cas;
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        clients.push_back(std::make_unique<acme::AcmeClient>(args.cas.servers[i], acme::HttpOptions{args.settings.ca_bundle}));
        cas.push_back({clients.back().get(), accounts[i]});
    }
    std::unique_ptr<acme::ChallengeSolver> solver = acme::make_solver(args.settings, *store);
    if (tls_responder) solver = tls_responder->wrap(std::move(solver));
    auto http_responder = acme::start_http_responder(args.settings, *store);

    acme::FailoverIssuer issuer(*store, *solver, std::move(cas));
    IssueReport report;
    report.store = store->location();
    report.hint_command = {g.program};
    if (!g.store.empty()) report.hint_command.insert(report.hint_command.end(), {"--store", storage::printable_location(g.store)});
    if (args.each) {
        for (auto& outcome : issuer.issue_each(ids, args.settings, args.parallel)) {
            if (outcome.record) report.issued.push_back(std::move(*outcome.record));
            else report.failed.push_back({outcome.identifier.value, outcome.error});
        }
    } else {
        acme::IssueExtras extras;
        extras.deploy_pending = args.settings.has_deploy_step();
        report.issued.push_back(issuer.issue(ids, args.settings, extras));
    }
    if (args.settings.has_deploy_step()) deploy_issued(*store, args.deploy, report);
    print_issue_report(report, g.json);
    if (!report.deploy_failed.empty())
        throw CliError(ExitCode::Failure, report.deploy_failed.front().name + ": " + report.deploy_failed.front().error +
                                              " (issued and stored; `certa renew` retries the deploy)");
    return to_int(report.failed.empty() ? ExitCode::Ok : ExitCode::Failure);
}

}  // namespace

void register_issue_command(CLI::App& app, GlobalOptions& g, CommandAction& action) {
    auto args = std::make_shared<IssueArgs>();
    auto& s = args->settings;
    CLI::App* cmd = app.add_subcommand("issue", "Obtain a certificate from an ACME CA and store it");
    cmd->add_option("-d,--domain", args->names, "Name (DNS, *.wildcard or IP address) to certify; repeatable");
    cmd->add_option("--names-file", args->names_file, "File with one name per line (# comments)");
    cmd->add_option("--challenge", s.challenge,
                    storage::challenge_type_help(storage::challenge_type_from(acme::IssueSettings{}.challenge)))
        ->check(CLI::IsMember(storage::challenge_type_names()));
    cmd->add_option("--key-type", s.key_type, "Certificate key: " + storage::key_type_help())
        ->check(CLI::IsMember(storage::key_type_names()));
    add_ca_list_flags(cmd, args->cas,
                      "ACME directory URL; repeatable: the CAs tried in this order when one fails on its side")
        ->required();
    cmd->add_option("--email", args->email, "Account contact address; repeatable");
    cmd->add_flag("--agree-tos", args->agree_tos, "Agree to the CA's terms of service");
    cmd->add_option("--ca-bundle", s.ca_bundle, "PEM file with extra trust anchors for the CA's HTTPS (e.g. Pebble)");
    cmd->add_option("--http-port", s.http_port, "Port of the standalone http-01 responder (default 80)");
    cmd->add_option("--http-address", s.http_address, "Address the temporary responders bind (default: all)");
    cmd->add_option("--webroot", s.webroot, "Write http-01 files under DIR/.well-known/acme-challenge/ instead");
    cmd->add_option("--dns-hook", s.dns_hook, "dns-01 hook: run as 'CMD add|remove FQDN VALUE'");
    cmd->add_option("--dns-propagation-timeout", s.dns_propagation_timeout,
                    "dns-01: seconds to wait for the TXT record at every resolver before validation (default 120; 0: don't check)")
        ->check(CLI::Range(0, acme::kMaxDnsPropagationTimeout));
    cmd->add_option("--dns-resolver", s.dns_resolvers,
                    "dns-01: resolver ADDR[:PORT] ([::1]:53) to check the TXT record at; repeatable (default: /etc/resolv.conf)");
    cmd->add_option("--dns-update", s.dns_update,
                    "dns-01 by RFC 2136 DNS UPDATE to the zone's primary HOST[:PORT] (default port 53), instead of a hook");
    cmd->add_option("--tsig-key-file", s.tsig_key_file,
                    "With --dns-update: TSIG key file (tsig-keygen's format or certbot's dns-rfc2136 credentials; mode 0600)");
    cmd->add_option("--tls-port", s.tls_port, "Answer tls-alpn-01 on this port while issuing (default: rely on certa serve)");
    cmd->add_option("--profile", s.profile, "Certificate profile offered by the CA");
    cmd->add_option("--preferred-chain", s.preferred_chain, "Prefer the chain whose top certificate's issuer has this CN");
    cmd->add_flag("--each", args->each, "One certificate per name instead of one for all");
    add_deploy_flags(cmd, args->deploy);
    cmd->add_option("--parallel", args->parallel, "With --each: orders at once (default 4)")->check(CLI::Range(1, 64));
    set_action(cmd, action, [&g, args] { return run_issue(g, *args); });
}

}  // namespace certa::cli
