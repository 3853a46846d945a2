#include "handshake/ondemand/OnDemandGate.hpp"

#include "handshake/agent/NameNormalizer.hpp"
#include "storage/RenewalWindow.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace certa::handshake {

namespace {
using Clock = std::chrono::steady_clock;  // deduplication and waits (wall-clock time: options_.clock)
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
}  // namespace

OnDemandGate::OnDemandGate(OnDemandOptions options, const Agent& agent, std::unique_ptr<storage::Store> store)
    : options_(std::move(options)),
      agent_(agent),
      store_(std::move(store)),
      policy_(options_.allow, options_.limits, static_cast<bool>(options_.ask)) {
    refresh_from_store();  // the stored rules apply from the first handshake
    worker_ = std::thread([this] { work(); });
}

OnDemandGate::~OnDemandGate() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    worker_.join();
}

OnDemandStats OnDemandGate::stats() const {
    std::lock_guard lock(mutex_);
    OnDemandStats s = stats_;
    s.queued = queue_.size();
    return s;
}

bool OnDemandGate::recently_queued(const std::string& key, Clock::time_point now) {
    auto period = key.rfind("renew:", 0) == 0 ? std::chrono::duration_cast<Clock::duration>(kRenewDedup)
                                               : std::chrono::duration_cast<Clock::duration>(options_.wait);
    auto it = queued_.find(key);
    if (it != queued_.end() && now - it->second < period) return true;
    if (queued_.size() >= options_.limits.max_tracked && it == queued_.end()) {
        std::erase_if(queued_, [&](auto& kv) { return now - kv.second >= std::chrono::duration_cast<Clock::duration>(kRenewDedup); });
        if (queued_.size() >= options_.limits.max_tracked) return true;  // bounded: treat as pending
    }
    queued_[key] = now;
    return false;
}

bool OnDemandGate::enqueue(Job job) {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= options_.max_queue) return false;
    queue_.push_back(std::move(job));
    cv_.notify_one();
    return true;
}

OnDemandGate::Decision OnDemandGate::check(const std::string& sni) {
    auto normalized = normalize_server_name(sni);
    if (!normalized || normalized->kind != NormalizedName::Kind::Dns) return Decision::Serve;
    const std::string& name = normalized->name;
    const auto now_unix = options_.clock->now();
    const auto now = Clock::now();

    std::string reason = "issue";
    if (auto validity = agent_.validity_for(name)) {
        if (validity->not_before <= now_unix && now_unix < validity->not_after) {
            // In its renewal window (the rule `certa renew` uses): queue one
            // renewal and keep serving the current certificate.
            if (storage::in_renewal_window(validity->not_before, validity->not_after, now_unix)) {
                bool fresh = false;
                {
                    std::lock_guard lock(mutex_);
                    fresh = !recently_queued("renew:" + name, now);
                    if (fresh) ++stats_.renewals;
                }
                if (fresh) enqueue(Job{name, "renew", false});
            }
            return Decision::Serve;
        }
        reason = "renew";  // expired (or not yet valid): wait for its renewal
    }

    switch (policy_.allowed(name)) {
        case OnDemandPolicy::Verdict::Denied: {
            std::lock_guard lock(mutex_);
            ++stats_.denied;
            return Decision::Deny;
        }
        case OnDemandPolicy::Verdict::Unknown: {
            bool fresh = false;
            {
                std::lock_guard lock(mutex_);
                fresh = !recently_queued("ask:" + name, now);
            }
            if (fresh && !enqueue(Job{name, reason, true})) return Decision::Deny;
            return Decision::Wait;
        }
        case OnDemandPolicy::Verdict::Allowed:
        case OnDemandPolicy::Verdict::RateLimited:
            break;
    }
    // Deduplicated per kind: the "issue" entry of a name issued a moment ago
    // must not swallow the request once that certificate has expired.
    const std::string key = (reason == "issue" ? "issue:" : "expired:") + name;
    {
        std::lock_guard lock(mutex_);
        if (auto it = queued_.find(key); it != queued_.end() && now - it->second < options_.wait) return Decision::Wait;
    }
    if (!policy_.take_request(name)) {
        std::lock_guard lock(mutex_);
        ++stats_.rate_limited;
        return Decision::Deny;
    }
    {
        std::lock_guard lock(mutex_);
        recently_queued(key, now);
    }
    if (!enqueue(Job{name, reason, false})) return Decision::Deny;
    return Decision::Wait;
}

void OnDemandGate::gave_up(const std::string& sni) {
    if (auto normalized = normalize_server_name(sni)) policy_.remember(normalized->name, false);
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
        const auto now = Clock::now();
        std::unordered_map<std::string, Clock::time_point> failures;
        for (const auto& request : store_->failed_issuance_requests(static_cast<int>(options_.limits.max_tracked)))
            failures.emplace(request.name, now + std::chrono::seconds(request.next_attempt - now_unix));
        policy_.set_failures(std::move(failures));
    } catch (const std::exception& e) {
        spdlog::warn("on-demand: cannot read the stored rules: {}", e.what());
    }
}

void OnDemandGate::work() {
    auto next_refresh = Clock::now() + options_.store_poll;
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            cv_.wait_until(lock, next_refresh, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            if (queue_.empty() || Clock::now() >= next_refresh) {
                lock.unlock();
                refresh_from_store();
                next_refresh = Clock::now() + options_.store_poll;
                continue;
            }
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        if (job.ask) {
            bool yes = false;
            try {
                yes = options_.ask(job.name);
            } catch (const std::exception& e) {
                spdlog::warn("on-demand: external check for {} failed: {}", job.name, e.what());
            }
            policy_.remember(job.name, yes);  // cached either way (a failure counts as "no")
            if (!yes) {
                spdlog::info("on-demand: {} refused by the external check", job.name);
                continue;
            }
            if (!policy_.take_request(job.name)) continue;
        }
        write_request(job);
    }
}

}  // namespace certa::handshake
