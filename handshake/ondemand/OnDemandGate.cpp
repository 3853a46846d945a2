#include "handshake/ondemand/OnDemandGate.hpp"

#include "handshake/agent/ClientGroup.hpp"

#include "storage/RenewalWindow.hpp"
#include "storage/names/NameNormalizer.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace certa::handshake {

namespace {
// A renewal request for a name is queued at most this often per process (the
// store row collapses requests across processes anyway).
constexpr std::chrono::minutes kRenewDedup{10};

// "a, b, c" for the log, at most 20 patterns.
std::string shown(const std::vector<std::string>& patterns) {
    std::string out;
    for (std::size_t i = 0; i < patterns.size() && i < 20; ++i) out += (i ? ", " : "") + patterns[i];
    if (patterns.size() > 20) out += ", ... (" + std::to_string(patterns.size()) + ")";
    return out;
}

// Deduplicated per kind: the "issue" entry of a name issued a moment ago must
// not swallow the request once that certificate has expired.
std::string request_key(const std::string& name, const std::string& reason) {
    return (reason == "issue" ? "issue:" : "expired:") + name;
}
}  // namespace

OnDemandGate::OnDemandGate(OnDemandOptions options, const Agent& agent, std::unique_ptr<storage::Store> store)
    : options_(std::move(options)),
      agent_(agent),
      store_(std::move(store)),
      policy_(options_.allow, options_.limits, static_cast<bool>(options_.ask)),
      refusals_(options_.log_burst, options_.log_interval),
      pending_requests_(options_.limits.max_tracked),
      pending_asks_(options_.limits.max_tracked),
      ask_limiter_(options_.asks_per_client_per_minute, options_.limits.max_tracked) {
    refresh_from_store();  // the stored rules apply from the first handshake
    writer_ = std::thread([this] { write_loop(); });
    if (options_.ask) asker_ = std::thread([this] { ask_loop(); });
}

OnDemandGate::~OnDemandGate() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    requests_cv_.notify_all();
    asks_cv_.notify_all();
    writer_.join();
    if (asker_.joinable()) asker_.join();
}

OnDemandStats OnDemandGate::stats() const {
    std::lock_guard lock(mutex_);
    OnDemandStats s = stats_;
    s.asks_queued = asks_.size();
    s.queued = requests_.size() + asks_.size();
    s.evicted = pending_requests_.evicted() + pending_asks_.evicted();
    return s;
}

bool OnDemandGate::enqueue_request(Job job) {
    if (requests_.size() >= options_.max_queue) return false;
    requests_.push_back(std::move(job));
    requests_cv_.notify_one();
    return true;
}

bool OnDemandGate::enqueue_ask(Job job) {
    if (asks_.size() >= options_.max_queue) return false;
    asks_.push_back(std::move(job));
    asks_cv_.notify_one();
    return true;
}

OnDemandGate::Decision OnDemandGate::check(const std::string& sni, const std::string& client) {
    auto normalized = storage::normalize_server_name(sni);
    if (!normalized || normalized->kind != storage::NormalizedName::Kind::Dns) return Decision::Serve;
    const std::string& name = normalized->name;
    const auto now_unix = options_.clock->now();
    const auto now = options_.monotonic();

    std::string reason = "issue";
    if (auto validity = agent_.validity_for(name)) {
        if (validity->not_before <= now_unix && now_unix < validity->not_after) {
            // In its renewal window (the rule `certa renew` uses): queue one
            // renewal and keep serving the current certificate.
            if (storage::in_renewal_window(validity->not_before, validity->not_after, now_unix)) {
                std::lock_guard lock(mutex_);
                const std::string key = "renew:" + name;
                if (!pending_requests_.contains(key, now)) {
                    pending_requests_.insert(key, now + kRenewDedup, now);
                    ++stats_.renewals;
                    enqueue_request(Job{name, "renew"});
                }
            }
            return Decision::Serve;
        }
        reason = "renew";  // expired (or not yet valid): wait for its renewal
    }

    switch (policy_.allowed(name, now)) {
        case OnDemandPolicy::Verdict::Denied: {
            std::lock_guard lock(mutex_);
            ++stats_.denied;
            return Decision::Deny;
        }
        case OnDemandPolicy::Verdict::Unknown: return ask(name, reason, client, now);
        case OnDemandPolicy::Verdict::Allowed:
        case OnDemandPolicy::Verdict::RateLimited: break;
    }
    return request(name, reason, now);
}

OnDemandGate::Decision OnDemandGate::request(const std::string& name, const std::string& reason, TimePoint now) {
    const std::string key = request_key(name, reason);
    {
        std::lock_guard lock(mutex_);
        if (pending_requests_.contains(key, now)) return Decision::Wait;
    }
    if (!policy_.take_request(name, now)) {
        std::lock_guard lock(mutex_);
        ++stats_.rate_limited;
        return Decision::Deny;
    }
    std::lock_guard lock(mutex_);
    if (!enqueue_request(Job{name, reason})) return Decision::Deny;
    pending_requests_.insert(key, now + options_.wait, now);
    return Decision::Wait;
}

OnDemandGate::Decision OnDemandGate::ask(const std::string& name, const std::string& reason,
                                         const std::string& client, TimePoint now) {
    {
        std::lock_guard lock(mutex_);
        // Asked already (or approved and requested, should the answer have
        // been evicted from the policy's cache meanwhile): no second ask.
        if (pending_asks_.contains(name, now) || pending_requests_.contains(request_key(name, reason), now))
            return Decision::Wait;
        if (ask_limiter_.take(client, now)) {
            if (!enqueue_ask(Job{name, reason})) return Decision::Deny;
            pending_asks_.insert(name, now + options_.wait, now);
            return Decision::Wait;
        }
        ++stats_.ask_limited;
    }
    refusals_.write(now, spdlog::level::info, "on-demand: {} not checked: client {} asks too often", name,
                    client_group(client));
    return Decision::Deny;
}

void OnDemandGate::gave_up(const std::string& sni) {
    auto normalized = storage::normalize_server_name(sni);
    if (!normalized) return;
    const auto now = options_.monotonic();
    policy_.remember(normalized->name, false, now);
    refusals_.write(now, spdlog::level::info, "serve: on-demand certificate for {} did not arrive in time",
                    normalized->name);
}

void OnDemandGate::write_request(const Job& job) {
    try {
        store_->request_issuance(job.name, job.reason);
        std::lock_guard lock(mutex_);
        ++stats_.requested;
    } catch (const std::exception& e) {
        spdlog::warn("on-demand: cannot record the request for {}: {}", job.name, e.what());
    }
}

void OnDemandGate::refresh_from_store() {
    try {
        const std::int64_t generation = store_->current_generation();
        if (generation != rules_generation_) {
            std::vector<std::string> allow, deny;
            for (auto& rule : store_->list_on_demand_rules()) (rule.deny ? deny : allow).push_back(std::move(rule.pattern));
            spdlog::debug("on-demand: stored rules: allow [{}] deny [{}]", shown(allow), shown(deny));
            policy_.set_shared_rules(std::move(allow), std::move(deny));
            rules_generation_ = generation;
        }
        // Failures do not move the generation: they are re-read every time.
        const auto now_unix = options_.clock->now();
        const auto now = options_.monotonic();
        std::unordered_map<std::string, TimePoint> failures;
        for (const auto& request : store_->failed_issuance_requests(static_cast<int>(options_.limits.max_tracked)))
            failures.emplace(request.name, now + std::chrono::seconds(request.next_attempt - now_unix));
        policy_.set_failures(std::move(failures));
    } catch (const std::exception& e) {
        spdlog::warn("on-demand: cannot read the stored rules: {}", e.what());
    }
}

// The writer thread: store writes, and the periodic re-read of the store.
void OnDemandGate::write_loop() {
    using Steady = std::chrono::steady_clock;  // the poll itself runs on real time
    auto next_refresh = Steady::now() + options_.store_poll;
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            requests_cv_.wait_until(lock, next_refresh, [&] { return stopping_ || !requests_.empty(); });
            if (stopping_) return;
            if (requests_.empty() || Steady::now() >= next_refresh) {
                lock.unlock();
                refresh_from_store();
                refusals_.tick(options_.monotonic());
                next_refresh = Steady::now() + options_.store_poll;
                continue;
            }
            job = std::move(requests_.front());
            requests_.pop_front();
        }
        write_request(job);
    }
}

// The asker thread: --ask checks, one at a time (each bounds its own time).
void OnDemandGate::ask_loop() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            asks_cv_.wait(lock, [&] { return stopping_ || !asks_.empty(); });
            if (stopping_) return;
            job = std::move(asks_.front());
            asks_.pop_front();
        }
        bool yes = false;
        try {
            yes = options_.ask(job.name);
        } catch (const std::exception& e) {
            // The ask function redacts its URL's secrets (cli: AskUrl.hpp).
            refusals_.write(options_.monotonic(), spdlog::level::warn, "on-demand: external check for {} failed: {}",
                            job.name, e.what());
        }
        const auto now = options_.monotonic();
        policy_.remember(job.name, yes, now);  // cached either way (a failure counts as "no")
        if (!yes) refusals_.write(now, spdlog::level::info, "on-demand: {} refused by the external check", job.name);
        const bool take = yes && policy_.take_request(job.name, now);
        std::lock_guard lock(mutex_);
        pending_asks_.erase(job.name);
        if (!take) {
            if (yes) ++stats_.rate_limited;
            continue;
        }
        pending_requests_.insert(request_key(job.name, job.reason), now + options_.wait, now);
        enqueue_request(std::move(job));
    }
}

}  // namespace certa::handshake
