#include "acme/deploy/Deployer.hpp"

#include "acme/deploy/CheckAddress.hpp"
#include "acme/deploy/DeployError.hpp"
#include "acme/deploy/DeployTargetFactory.hpp"
#include "acme/deploy/LiveCheck.hpp"
#include "acme/lease/LeaseKeeper.hpp"
#include "storage/base/Text.hpp"

#include <algorithm>

namespace certa::acme {
namespace {

using storage::one_line;

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : " ") + i;
    return out;
}

}  // namespace

IssueSettings with_local_deploy(IssueSettings settings, const DeployOptions& options) {
    // A hook or target given on the command line is local: only the recorded ones are checked.
    if (!options.deploy_hook.empty()) settings.deploy_hook.clear();
    if (!options.deploy_targets.empty()) settings.deploy_targets.clear();
    if (std::string refused = options.policy.refusal(settings); !refused.empty()) throw std::runtime_error(refused);
    if (!options.deploy_hook.empty()) settings.deploy_hook = options.deploy_hook;
    if (!options.deploy_targets.empty()) settings.deploy_targets = options.deploy_targets;
    if (!options.deploy_checks.empty()) settings.deploy_checks = options.deploy_checks;
    return settings;
}

Deployer::Deployer(storage::Store& store, DeployOptions options) : store_(store), options_(std::move(options)) {}

std::optional<std::string> Deployer::finish(std::int64_t certificate_id) {
    const std::string lease = "cert:" + std::to_string(certificate_id);
    const storage::LeaseGrant grant = store_.acquire_lease(lease, options_.owner, options_.lease_ttl_s);
    if (!grant.acquired) return std::nullopt;
    LeaseKeeper keeper(store_, lease, grant.token, options_.lease_ttl_s);
    const auto row = store_.get_certificate(certificate_id);
    if (!row || row->status != storage::CertificateStatus::Active) return std::nullopt;
    if (!row->deploy_pending) return std::nullopt;
    IssueSettings settings;
    try {
        settings = with_local_deploy(IssueSettings::from_json(row->settings_json), options_);
    } catch (const std::runtime_error& refused) {
        // Refused: nothing runs, and the deploy stays pending until it is allowed.
        return std::string(refused.what());
    }
    record_overrides(certificate_id);
    const Result result = deploy(*row, settings);
    // Only the state column: an export dir `certa export` recorded meanwhile stays.
    if (!result.retry) store_.set_deploy_pending(certificate_id, false);
    return result.error;
}

// This run's --deploy-hook / --deploy / --deploy-check are recorded like a
// renewal records them (the row was stored before this run, or by another).
void Deployer::record_overrides(std::int64_t certificate_id) {
    const auto& o = options_;
    if (o.deploy_hook.empty() && o.deploy_targets.empty() && o.deploy_checks.empty()) return;
    store_.edit_settings(certificate_id, [&](const std::string& current) {
        IssueSettings s = IssueSettings::from_json(current);
        const bool same = (o.deploy_hook.empty() || s.deploy_hook == o.deploy_hook) &&
                          (o.deploy_targets.empty() || s.deploy_targets == o.deploy_targets) &&
                          (o.deploy_checks.empty() || s.deploy_checks == o.deploy_checks);
        if (same) return current;
        if (!o.deploy_hook.empty()) s.deploy_hook = o.deploy_hook;
        if (!o.deploy_targets.empty()) s.deploy_targets = o.deploy_targets;
        if (!o.deploy_checks.empty()) s.deploy_checks = o.deploy_checks;
        return s.to_json();
    });
}

// The targets in stage order (DeployTarget::Stage says what a failure
// means); the servers, once all took it, are checked live together.
Deployer::Result Deployer::deploy(const storage::CertificateRecord& renewed, const IssueSettings& settings) {
    using Stage = DeployTarget::Stage;
    DeployContext context{renewed, store_.location(), settings.export_dirs, {}};
    DeployRun run{context, options_.policy, options_.hook_timeout};
    std::string local_error;   // the last file or hook failure: reported, not retried
    std::string server_error;  // the first server failure: retried
    std::string error_class;   // the first failure's (DeployError::error_class)
    const auto failed = [&](Stage stage, const DeployError& e) {
        (stage == Stage::Server ? server_error : local_error) = e.what();
        if (error_class.empty()) error_class = e.error_class();
    };
    std::vector<std::string> servers_done;
    bool any_server = false;
    for (const auto& target : deploy_targets_of(settings)) {
        const Stage stage = target->stage();
        any_server = any_server || stage == Stage::Server;
        if (stage == Stage::Hook && !local_error.empty()) continue;
        if (stage == Stage::Server && !server_error.empty()) continue;
        try {
            const DeployOutcome outcome = target->deploy(run);
            if (!outcome.event.empty()) store_.add_event(outcome.event, renewed.id, outcome.detail);
            if (stage == Stage::Server) servers_done.push_back(outcome.detail);
        } catch (const DeployError& e) {
            failed(stage, e);
        }
    }
    if (any_server && server_error.empty()) {
        try {
            check_servers(renewed, settings, servers_done);
        } catch (const DeployError& e) {
            failed(Stage::Server, e);
        }
    }
    Result result;
    result.retry = !server_error.empty();
    std::string& error = result.error;
    error = local_error;
    if (!server_error.empty()) error += (error.empty() ? "" : "; ") + server_error;
    if (!error.empty()) {
        store_.add_event("deploy-failed", renewed.id, error);
        // The schedule stays; only the error is added (shown by `certa list`).
        storage::RenewalState state = storage::renewal_state_of(renewed);
        state.last_error = error;
        state.last_error_class = error_class;
        store_.update_renewal_state(renewed.id, state);
    }
    return result;
}

void Deployer::check_servers(const storage::CertificateRecord& renewed, const IssueSettings& settings,
                             const std::vector<std::string>& done) {
    std::vector<std::string> checks = settings.deploy_checks;
    if (checks.empty()) checks.push_back(kDefaultDeployCheck);
    if (std::find(checks.begin(), checks.end(), kNoDeployCheck) != checks.end()) {
        store_.add_event("deployed", renewed.id, "to " + joined(done) + " (not checked)");
        return;
    }
    std::string problem;
    try {
        problem = check_live(renewed, checks);
    } catch (const std::exception& e) {
        problem = one_line(e.what());
    }
    if (!problem.empty()) throw DeployError("deployed, not live: " + problem);
    store_.add_event("deployed", renewed.id, "to " + joined(done) + "; serial " + renewed.serial_hex + " live at " +
                                                 joined(checks));
}

}  // namespace certa::acme
