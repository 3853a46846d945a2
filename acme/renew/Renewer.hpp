// `certa renew` orchestration: looks at the active certificates that need it
// (one indexed query, Store::certificates_needing_attention; with --force or
// --days every active one, with names those indexed under them), expired ones
// first, and renews what is due.
// Each renewal runs under the store lease "cert:<id>" (renewed while working,
// the put fenced by it); after taking the lease the row is re-read and skipped
// when another process already replaced it, so overlapping runs on one or many
// machines never order the same certificate twice. The new certificate is
// stored with `replaces` in one transaction: the old one stays active until
// the new one is complete. Failures back off per certificate (RenewalState)
// and never stop the other renewals.
#pragma once

#include "acme/deploy/Deployer.hpp"
#include "acme/request/LocalPolicy.hpp"
#include "storage/Store.hpp"
#include "storage/base/Clock.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace certa::acme {

struct RenewOptions {
    std::vector<std::string> names;        // only certificates indexed under these names (empty: all)
    bool force = false;                    // renew now, ignoring the schedule and the back-off
    std::optional<int> days;               // due when fewer than N days remain (no ARI)
    std::string deploy_hook;               // set (and recorded) for every renewed certificate
    std::vector<std::string> deploy_targets;  // --deploy: set (and recorded) for every renewed certificate
    std::vector<std::string> deploy_checks;   // --deploy-check: likewise
    bool agree_tos = false;                // agree to the CA's terms if an account must be registered (recorded)
    int parallel = 1;                      // renewals at once
    std::string owner;                     // lease owner, "host:pid"
    int lease_ttl_s = 120;                 // renewed every ttl/3 while working
    std::chrono::milliseconds hook_timeout{300000};
    const storage::Clock* clock = &storage::Clock::system();  // schedule and back-off
    // Also report (NotDue) the certificates the scheduled run did not need to
    // look at: costs a listing of every active row, so quiet runs leave it off.
    bool report_not_due = false;
    // What of each certificate's recorded settings may be used on this host
    // (hooks, export dirs, webroot, CA bundle); the default allows none.
    LocalPolicy policy;
};

// Deployed: renewed by an earlier run that stopped before its export dirs and
// deploy hook ran (the row's deploy_pending); this run finished them.
enum class RenewStatus { Renewed, NotDue, Skipped, Failed, Deployed };
const char* to_string(RenewStatus status);

struct RenewOutcome {
    std::string name;                      // primary name (or the -d name that matched nothing)
    std::int64_t certificate_id = 0;       // the row looked at
    RenewStatus status = RenewStatus::NotDue;
    storage::UnixTime when = 0;            // Renewed: new not_after; NotDue: when it is due
    std::int64_t new_id = 0;               // Renewed: the new row; Deployed: the row deployed
    std::string error;                     // Failed: why; Skipped: why; NotDue: last failure, if any
    std::string deploy_error;              // Renewed/Deployed, but rewriting an export dir or the deploy hook failed
    bool store_unusable = false;           // Failed because the store cannot take writes (locked, I/O, disk full)
};

class Renewer {
public:
    Renewer(storage::Store& store, RenewOptions options);
    ~Renewer();
    Renewer(const Renewer&) = delete;
    Renewer& operator=(const Renewer&) = delete;

    // Never throws for one certificate's failure (see RenewOutcome); store
    // failures while listing propagate.
    std::vector<RenewOutcome> run();

private:
    struct Worker;
    struct Shared;
    RenewOutcome process(const storage::CertificateRecord& cert, Worker& worker);
    RenewOutcome renew_leased(const storage::CertificateRecord& cert, const storage::LeaseFence& fence, Worker& worker);
    RenewOutcome finish_pending_deploy(const storage::CertificateRecord& cert);
    RenewOutcome not_due(const storage::CertificateRecord& cert, storage::UnixTime now) const;
    // The recorded settings with this run's flags applied; throws when the
    // local policy refuses one of them.
    IssueSettings local_settings(const storage::CertificateRecord& cert) const;
    bool scheduled_run() const { return options_.names.empty() && !options_.force && !options_.days; }
    // error_class: renewal_failure_class of the failure (storage/RenewalErrorClass.hpp).
    void record_failure(const storage::CertificateRecord& cert, const std::string& error, const std::string& error_class);
    std::vector<storage::CertificateRecord> candidates(std::vector<RenewOutcome>& missing);

    storage::Store& store_;
    RenewOptions options_;
    Deployer deployer_;
    std::unique_ptr<Shared> shared_;
};

}  // namespace certa::acme
