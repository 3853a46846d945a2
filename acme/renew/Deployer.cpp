#include "acme/renew/Deployer.hpp"

#include "acme/renew/CertbotLayout.hpp"
#include "acme/renew/CertificateExport.hpp"
#include "acme/renew/DeployHook.hpp"
#include "acme/renew/DeployTarget.hpp"
#include "acme/renew/HaproxyDeploy.hpp"
#include "acme/renew/LeaseKeeper.hpp"
#include "acme/renew/LiveCheck.hpp"
#include "storage/RenewalErrorClass.hpp"
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

// Export directories first (the hook and the servers read them), then the
// deploy hook, then the targets and the live check.
Deployer::Result Deployer::deploy(const storage::CertificateRecord& renewed, const IssueSettings& settings) {
    Result result;
    std::string& error = result.error;
    for (const auto& dir : settings.export_dirs) {
        try {
            write_certificate_files(renewed, dir);
            store_.add_event("exported", renewed.id, "to " + dir);
        } catch (const std::exception& e) {
            error = "export to " + dir + " failed: " + one_line(e.what());
        }
    }
    std::vector<std::string> certbot_live_dirs;
    for (const auto& dir : settings.certbot_dirs) {
        try {
            const CertbotExport written = write_certbot_lineage(renewed, dir, settings.certbot_lineage);
            certbot_live_dirs.push_back(written.live_dir.string());
            store_.add_event("exported", renewed.id,
                             "to " + dir + " (certbot layout, version " + std::to_string(written.version) + ")");
        } catch (const std::exception& e) {
            error = "export to " + dir + " (certbot layout) failed: " + one_line(e.what());
        }
    }
    const DeployContext context{renewed, store_.location(), settings.export_dirs, certbot_live_dirs};
    if (error.empty() && !settings.deploy_hook.empty()) {
        try {
            if (std::string failed = run_deploy_hook(settings.deploy_hook, context, options_.hook_timeout);
                !failed.empty())
                error = "deploy hook failed: " + one_line(failed);
        } catch (const std::exception& e) {
            error = "deploy hook failed: " + one_line(e.what());
        }
        if (error.empty()) store_.add_event("deployed", renewed.id, "deploy hook succeeded");
    }
    if (!settings.deploy_targets.empty()) {
        if (std::string failed = deploy_targets(renewed, settings, context); !failed.empty()) {
            error += (error.empty() ? "" : "; ") + failed;
            result.retry = true;
        }
    }
    if (!error.empty()) {
        store_.add_event("deploy-failed", renewed.id, error);
        // The schedule stays; only the error is added (shown by `certa list`).
        storage::RenewalState state = storage::renewal_state_of(renewed);
        state.last_error = error;
        state.last_error_class = storage::error_class::kDeploy;
        store_.update_renewal_state(renewed.id, state);
    }
    return result;
}

// "" when every target took the certificate and it is live at every check
// address; else one line.
std::string Deployer::deploy_targets(const storage::CertificateRecord& renewed, const IssueSettings& settings,
                                     const DeployContext& context) {
    std::vector<std::string> done;
    for (const auto& spec : settings.deploy_targets) {
        try {
            const DeployTarget target = DeployTarget::parse(spec);
            if (target.kind == DeployTarget::Kind::Haproxy) {
                const std::string crt = deploy_to_haproxy(target, renewed, options_.policy);
                done.push_back("haproxy " + target.socket + " " + crt);
            } else {
                // The reload command sees the deploy hook's environment.
                if (std::string failed = run_deploy_hook(target.command, context, options_.hook_timeout);
                    !failed.empty())
                    return "nginx reload failed: " + one_line(failed);
                done.push_back("nginx");
            }
        } catch (const std::exception& e) {
            return "deploy failed: " + one_line(e.what());
        }
    }
    std::vector<std::string> checks = settings.deploy_checks;
    if (checks.empty()) checks.push_back(kDefaultDeployCheck);
    if (std::find(checks.begin(), checks.end(), kNoDeployCheck) != checks.end()) {
        store_.add_event("deployed", renewed.id, "to " + joined(done) + " (not checked)");
        return {};
    }
    try {
        if (std::string problem = check_live(renewed, checks); !problem.empty())
            return "deployed, not live: " + problem;
    } catch (const std::exception& e) {
        return "deployed, not live: " + one_line(e.what());
    }
    store_.add_event("deployed", renewed.id, "to " + joined(done) + "; serial " + renewed.serial_hex + " live at " +
                                                 joined(checks));
    return {};
}

}  // namespace certa::acme
