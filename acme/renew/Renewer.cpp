#include "acme/renew/Renewer.hpp"

#include "acme/challenge/ChallengeSetup.hpp"
#include "acme/issue/IssueSettingsCheck.hpp"
#include "acme/issue/FailoverIssuer.hpp"
#include "acme/lease/LeaseKeeper.hpp"
#include "acme/renew/RenewalFailureClass.hpp"
#include "acme/renew/RenewalPolicy.hpp"
#include "acme/renew/RenewalSchedule.hpp"
#include "acme/request/Identifier.hpp"
#include "acme/request/IssueSettings.hpp"
#include "storage/ChallengeType.hpp"
#include "storage/RenewalWindow.hpp"
#include "storage/StoreError.hpp"
#include "storage/base/Text.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace certa::acme {

using storage::CertificateRecord;
using storage::UnixTime;

namespace {

using storage::one_line;

std::string primary_name(const CertificateRecord& cert) { return cert.names.empty() ? "#" + std::to_string(cert.id) : cert.names.front(); }

}  // namespace

const char* to_string(RenewStatus status) {
    switch (status) {
        case RenewStatus::Renewed: return "renewed";
        case RenewStatus::NotDue: return "not-due";
        case RenewStatus::Skipped: return "skipped";
        case RenewStatus::Failed: return "failed";
        case RenewStatus::Deployed: return "deployed";
    }
    return "unknown";
}

// Per worker thread: one ACME client per CA (clients carry the account and
// nonces of one thread's orders).
struct Renewer::Worker {
    std::map<std::string, std::unique_ptr<AcmeClient>> clients;
    std::map<std::string, std::string> unreachable;  // CA -> why its directory failed in this run
    RenewalStateBatch* schedule = nullptr;           // states of certificates not due, written after the run

    static std::string key(const std::string& server, const IssueSettings& s) { return server + '\n' + s.ca_bundle; }

    AcmeClient& client(const std::string& server, const IssueSettings& s) {
        auto& slot = clients[key(server, s)];
        if (!slot) slot = std::make_unique<AcmeClient>(server, HttpOptions{s.ca_bundle});
        return *slot;
    }

    // For renewalInfo, asked only of the CA that issued the certificate (the
    // row's server; RFC 9773 §4: the certID is that CA's): a CA whose
    // directory failed once is not asked again in this run (one failed
    // lookup per CA, not one per certificate).
    AcmeClient& ari_client(const CertificateRecord& cert, const IssueSettings& s) {
        const std::string& server = cert.server.empty() ? s.server : cert.server;
        if (auto it = unreachable.find(key(server, s)); it != unreachable.end()) throw std::runtime_error(it->second);
        AcmeClient& acme = client(server, s);
        try {
            acme.directory();
        } catch (const std::exception& e) {
            unreachable.emplace(key(server, s), e.what());
            throw;
        }
        return acme;
    }
};

// Shared by the workers: standalone http-01 responders (one per address and
// port, for the whole run; they answer every challenge row in the store).
struct Renewer::Shared {
    std::mutex mutex;
    std::map<std::string, std::unique_ptr<Http01Responder>> responders;

    void ensure_responder(const IssueSettings& s, storage::Store& store) {
        if (storage::parse_challenge_type(s.challenge) != storage::ChallengeType::Http01 || !s.webroot.empty()) return;
        std::lock_guard lock(mutex);
        const std::string key = s.http_address + ':' + std::to_string(s.http_port);
        if (responders.count(key)) return;
        responders[key] = start_http_responder(s, store);  // null: another responder serves the store
    }
};

Renewer::Renewer(storage::Store& store, RenewOptions options)
    : store_(store), options_(std::move(options)),
      deployer_(store, DeployOptions{options_.owner, options_.lease_ttl_s, options_.deploy_hook, options_.hook_timeout,
                                     options_.policy, options_.deploy_targets, options_.deploy_checks}),
      shared_(std::make_unique<Shared>()) {}

Renewer::~Renewer() = default;

std::vector<CertificateRecord> Renewer::candidates(std::vector<RenewOutcome>& missing) {
    std::vector<CertificateRecord> rows;
    storage::CertificateFilter filter;
    filter.columns = storage::CertificateColumns::Summary;  // keys and chains are read under the lease, for what is renewed
    if (scheduled_run()) {
        rows = store_.certificates_needing_attention(options_.clock->now());
    } else if (options_.names.empty()) {
        rows = store_.list_certificates(filter);
    } else {
        std::set<std::int64_t> seen;
        for (const auto& name : options_.names) {
            filter.name = name;
            auto found = store_.list_certificates(filter);
            if (found.empty()) {
                RenewOutcome o;
                o.name = name;
                o.status = RenewStatus::Failed;
                o.error = "no active certificate for this name";
                missing.push_back(o);
            }
            for (auto& row : found)
                if (seen.insert(row.id).second) rows.push_back(std::move(row));
        }
    }
    // Expired (and soonest-expiring) certificates first.
    std::stable_sort(rows.begin(), rows.end(),
                     [](const CertificateRecord& a, const CertificateRecord& b) { return a.not_after < b.not_after; });
    return rows;
}

// A certificate left alone: backing off after a failure, or scheduled later.
RenewOutcome Renewer::not_due(const CertificateRecord& cert, UnixTime now) const {
    RenewOutcome out;
    out.name = primary_name(cert);
    out.certificate_id = cert.id;
    if (cert.next_attempt > now) {
        out.when = cert.next_attempt;
        out.error = cert.last_error;
    } else {
        out.when = std::min(cert.renew_at ? cert.renew_at : storage::fallback_renew_at(cert), cert.not_after);
    }
    return out;
}

std::vector<RenewOutcome> Renewer::run() {
    std::vector<RenewOutcome> missing;
    const auto rows = candidates(missing);
    std::vector<RenewOutcome> outcomes(rows.size());
    std::atomic<std::size_t> next{0};
    RenewalStateBatch schedule(store_);
    auto work = [&] {
        Worker worker;
        worker.schedule = &schedule;
        for (std::size_t i = next++; i < rows.size(); i = next++) outcomes[i] = process(rows[i], worker);
    };
    const std::size_t threads = std::clamp<std::size_t>(static_cast<std::size_t>(std::max(options_.parallel, 1)), 1,
                                                        std::max<std::size_t>(rows.size(), 1));
    {
        std::vector<std::jthread> pool;  // joined at the end of this block
        for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
        work();
    }
    schedule.flush();
    outcomes.insert(outcomes.end(), missing.begin(), missing.end());
    if (options_.report_not_due && scheduled_run()) {
        std::set<std::int64_t> looked_at;
        for (const auto& row : rows) looked_at.insert(row.id);
        storage::CertificateFilter filter;
        filter.columns = storage::CertificateColumns::Summary;
        const UnixTime now = options_.clock->now();
        for (const auto& row : store_.list_certificates(filter))
            if (!looked_at.count(row.id)) outcomes.push_back(not_due(row, now));
    }
    return outcomes;
}

RenewOutcome Renewer::process(const CertificateRecord& cert, Worker& worker) {
    RenewOutcome out;
    out.name = primary_name(cert);
    out.certificate_id = cert.id;
    try {
        const UnixTime now = options_.clock->now();
        // Back-off after failures (RenewalState.next_attempt); --force ignores it.
        if (!options_.force && cert.next_attempt > now) return not_due(cert, now);
        if (cert.deploy_pending) return finish_pending_deploy(cert);
        if (std::string why = IssueSettings::from_json(cert.settings_json).renew_skip_reason; !why.empty()) {
            out.status = RenewStatus::Skipped;  // e.g. imported without a CA: left alone, not a failure
            out.error = why;
            return out;
        }
        const IssueSettings settings = local_settings(cert);
        const DueCheck due = check_due(store_, cert, {options_.force, options_.days, now, worker.schedule},
                                       [&]() -> AcmeClient& { return worker.ari_client(cert, settings); });
        if (!due.due) {
            out.when = due.when;
            return out;
        }
        const std::string lease = "cert:" + std::to_string(cert.id);
        const storage::LeaseGrant grant = store_.acquire_lease(lease, options_.owner, options_.lease_ttl_s);
        if (!grant.acquired) {
            out.status = RenewStatus::Skipped;
            out.error = "being renewed by " + grant.holder;
            return out;
        }
        LeaseKeeper keeper(store_, lease, grant.token, options_.lease_ttl_s);
        // Re-read under the lease: another run may have renewed it (or failed) meanwhile.
        const auto fresh = store_.get_certificate(cert.id);
        if (!fresh || fresh->status != storage::CertificateStatus::Active) {
            out.status = RenewStatus::Skipped;
            out.error = "already renewed";
            return out;
        }
        if (!options_.force && fresh->next_attempt > now) return not_due(*fresh, now);
        return renew_leased(*fresh, keeper.fence(), worker);
    } catch (const std::exception& e) {
        out.status = RenewStatus::Failed;
        out.error = one_line(e.what());
        out.store_unusable = storage::store_unusable(e);
        return out;
    }
}

RenewOutcome Renewer::renew_leased(const CertificateRecord& cert, const storage::LeaseFence& fence, Worker& worker) {
    RenewOutcome out;
    out.name = primary_name(cert);
    out.certificate_id = cert.id;
    try {
        const IssueSettings settings = local_settings(cert);
        // Stored with the new row, cleared by Deployer::finish: a crash in between is redone by the next run.
        const bool deploy_pending = settings.has_deploy_step();
        if (std::string problem = validate(settings); !problem.empty()) throw std::runtime_error(problem);
        const auto identifiers = parse_identifiers(cert.names);

        auto solver = make_solver(settings, store_);
        shared_->ensure_responder(settings, store_);
        RegisterOptions account;
        account.contact = settings.contact;
        // RFC 8555 §7.3: a lost account is registered anew; agree only if the user did.
        account.agree_tos = settings.agree_tos;
        // The recorded CA list, from its head every time (FailoverIssuer).
        std::vector<CaEndpoint> cas;
        for (const auto& server : settings.ca_list()) cas.push_back({&worker.client(server, settings), account});
        FailoverIssuer issuer(store_, *solver, std::move(cas));

        const CertificateRecord renewed = issuer.reissue(identifiers, settings, cert, fence, deploy_pending);
        out.status = RenewStatus::Renewed;
        out.new_id = renewed.id;
        out.when = renewed.not_after;
        // nullopt: another run took the new row's lease first and deploys it.
        if (deploy_pending) {
            try {
                out.deploy_error = deployer_.finish(renewed.id).value_or("");
            } catch (const std::exception& e) {
                out.deploy_error = "deploy failed: " + one_line(e.what());  // the renewal itself stands
            }
        }
    } catch (const std::exception& e) {
        out.status = RenewStatus::Failed;
        out.error = one_line(e.what());
        // A store that cannot take writes would wait and fail the same way again.
        out.store_unusable = storage::store_unusable(e);
        if (!out.store_unusable) record_failure(cert, out.error, renewal_failure_class(e));
    }
    return out;
}

IssueSettings Renewer::local_settings(const CertificateRecord& cert) const {
    IssueSettings settings = with_local_deploy(IssueSettings::from_json(cert.settings_json), deployer_.options());
    if (options_.agree_tos) settings.agree_tos = true;
    return settings;
}

// A row renewed by a run that stopped before deploying it: export + hook now.
RenewOutcome Renewer::finish_pending_deploy(const CertificateRecord& cert) {
    RenewOutcome out;
    out.name = primary_name(cert);
    out.certificate_id = cert.id;
    const auto error = deployer_.finish(cert.id);
    if (!error) {
        out.status = RenewStatus::Skipped;
        out.error = "deployed by another run";
        return out;
    }
    out.status = RenewStatus::Deployed;
    out.new_id = cert.id;
    out.when = cert.not_after;
    out.deploy_error = *error;
    return out;
}

void Renewer::record_failure(const CertificateRecord& cert, const std::string& error, const std::string& error_class) {
    storage::RenewalState state = storage::renewal_state_of(cert);
    state.failures = cert.failures + 1;
    state.next_attempt = options_.clock->now() + backoff_delay(state.failures).count();
    state.last_error = error;
    state.last_error_class = error_class;
    try {
        store_.update_renewal_state(cert.id, state);
    } catch (const std::exception& e) {
        spdlog::warn("certificate {}: cannot record the failure: {}", cert.id, e.what());
    }
}

}  // namespace certa::acme
