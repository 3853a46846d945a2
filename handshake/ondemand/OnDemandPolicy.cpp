#include "handshake/ondemand/OnDemandPolicy.hpp"
#include "storage/base/Text.hpp"

#include <algorithm>
#include <cctype>

namespace certa::handshake {

namespace {
constexpr std::chrono::minutes kWindow{1};

}  // namespace

OnDemandPolicy::OnDemandPolicy(std::vector<std::string> patterns, OnDemandLimits limits, bool has_external_check)
    : limits_(limits),
      has_external_check_(has_external_check),
      allowed_answers_(limits.max_tracked),
      refused_answers_(limits.max_tracked) {
    for (auto& p : patterns) {
        std::string norm = storage::lowercase(std::move(p));
        while (!norm.empty() && norm.back() == '.') norm.pop_back();
        if (!norm.empty()) patterns_.push_back(std::move(norm));
    }
}

bool OnDemandPolicy::matches(const std::string& pattern, const std::string& name) {
    if (pattern.size() > 2 && pattern[0] == '*' && pattern[1] == '.') {
        std::string_view suffix(pattern.data() + 1, pattern.size() - 1);  // ".example.com"
        return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    }
    return pattern == name;
}

std::string OnDemandPolicy::registered_domain(const std::string& name) {
    auto last = name.rfind('.');
    if (last == std::string::npos || last == 0) return name;
    auto before = name.rfind('.', last - 1);
    return before == std::string::npos ? name : name.substr(before + 1);
}

bool OnDemandPolicy::Window::full(int limit, Clock::time_point now) {
    while (!times.empty() && now - times.front() >= kWindow) times.pop_front();
    return static_cast<int>(times.size()) >= limit;
}

OnDemandPolicy::Window& OnDemandPolicy::window(std::unordered_map<std::string, Window>& map, const std::string& key,
                                               Clock::time_point now) {
    if (map.size() >= limits_.max_tracked && map.find(key) == map.end()) {
        // Bounded: forget windows that are idle now (a full sweep is rare).
        std::erase_if(map, [&](const auto& kv) { return kv.second.times.empty() || now - kv.second.times.back() >= kWindow; });
        if (map.size() >= limits_.max_tracked) map.erase(map.begin());
    }
    return map[key];
}

OnDemandPolicy::Verdict OnDemandPolicy::allowed(const std::string& name, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    // A stored deny rule beats everything; then failures recorded in the store
    // and the negative cache: a name whose issuance failed is not retried
    // before its time even when a pattern allows it.
    for (const auto& p : shared_deny_)
        if (matches(p, name)) return Verdict::Denied;
    if (auto it = failures_.find(name); it != failures_.end() && now < it->second) return Verdict::Denied;
    if (refused_answers_.contains(name, now)) return Verdict::Denied;
    if (allowed_answers_.contains(name, now)) return Verdict::Allowed;
    for (const auto& p : patterns_)
        if (matches(p, name)) return Verdict::Allowed;
    for (const auto& p : shared_allow_)
        if (matches(p, name)) return Verdict::Allowed;
    return has_external_check_ ? Verdict::Unknown : Verdict::Denied;
}

void OnDemandPolicy::set_shared_rules(std::vector<std::string> allow, std::vector<std::string> deny) {
    std::lock_guard lock(mutex_);
    shared_allow_ = std::move(allow);
    shared_deny_ = std::move(deny);
}

void OnDemandPolicy::set_failures(std::unordered_map<std::string, Clock::time_point> failures) {
    std::lock_guard lock(mutex_);
    failures_ = std::move(failures);
}

bool OnDemandPolicy::take_request(const std::string& name, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    Window& by_name = window(per_name_, name, now);
    Window& by_domain = window(per_domain_, registered_domain(name), now);
    if (global_.full(limits_.global_per_minute, now) || by_name.full(limits_.per_name_per_minute, now) ||
        by_domain.full(limits_.per_domain_per_minute, now))
        return false;
    global_.times.push_back(now);
    by_name.times.push_back(now);
    by_domain.times.push_back(now);
    return true;
}

void OnDemandPolicy::remember(const std::string& name, bool allowed, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    (allowed ? refused_answers_ : allowed_answers_).erase(name);
    (allowed ? allowed_answers_ : refused_answers_).insert(name, now + limits_.negative_ttl, now);
}

}  // namespace certa::handshake
