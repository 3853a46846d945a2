#include "acme/renew/Deployer.hpp"

#include "acme/renew/CertificateExport.hpp"
#include "acme/renew/DeployHook.hpp"
#include "acme/issue/IssueSettings.hpp"
#include "acme/renew/LeaseKeeper.hpp"

#include <algorithm>

namespace certa::acme {
namespace {

std::string one_line(std::string text) {
    std::replace(text.begin(), text.end(), '\n', ' ');
    std::replace(text.begin(), text.end(), '\r', ' ');
    return text;
}

}  // namespace

Deployer::Deployer(storage::Store& store, DeployOptions options) : store_(store), options_(std::move(options)) {}

std::optional<std::string> Deployer::finish(std::int64_t certificate_id) {
    const std::string lease = "cert:" + std::to_string(certificate_id);
    const storage::LeaseGrant grant = store_.acquire_lease(lease, options_.owner, options_.lease_ttl_s);
    if (!grant.acquired) return std::nullopt;
    LeaseKeeper keeper(store_, lease, grant.token, options_.lease_ttl_s);
    const auto row = store_.get_certificate(certificate_id);
    if (!row || row->status != storage::CertificateStatus::Active) return std::nullopt;
    if (!row->deploy_pending) return std::nullopt;
    IssueSettings settings = IssueSettings::from_json(row->settings_json);
    // Only what the store recorded is checked (a hook given on the command line is local).
    if (!options_.deploy_hook.empty()) settings.deploy_hook.clear();
    // Refused: nothing runs, and the deploy stays pending until it is allowed.
    if (std::string refused = options_.policy.refusal(settings); !refused.empty()) return refused;
    if (!options_.deploy_hook.empty()) settings.deploy_hook = options_.deploy_hook;
    std::string error = deploy(*row, settings.export_dirs, settings.deploy_hook);
    // Only the state column: an export dir `certa export` recorded meanwhile stays.
    store_.set_deploy_pending(certificate_id, false);
    return error;
}

// Export directories first (the hook may read them), then the deploy hook.
std::string Deployer::deploy(const storage::CertificateRecord& renewed, const std::vector<std::string>& export_dirs,
                             const std::string& hook) {
    std::string error;
    for (const auto& dir : export_dirs) {
        try {
            write_certificate_files(renewed, dir);
            store_.add_event("exported", renewed.id, "to " + dir);
        } catch (const std::exception& e) {
            error = "export to " + dir + " failed: " + one_line(e.what());
        }
    }
    if (error.empty() && !hook.empty()) {
        DeployContext context{renewed, store_.location(), export_dirs};
        try {
            if (std::string failed = run_deploy_hook(hook, context, options_.hook_timeout); !failed.empty())
                error = "deploy hook failed: " + one_line(failed);
        } catch (const std::exception& e) {
            error = "deploy hook failed: " + one_line(e.what());
        }
        if (error.empty()) store_.add_event("deployed", renewed.id, "deploy hook succeeded");
    }
    if (!error.empty()) {
        store_.add_event("deploy-failed", renewed.id, error);
        // The schedule stays; only the error is added (shown by `certa list`).
        storage::RenewalState state = storage::renewal_state_of(renewed);
        state.last_error = error;
        store_.update_renewal_state(renewed.id, state);
    }
    return error;
}

}  // namespace certa::acme
