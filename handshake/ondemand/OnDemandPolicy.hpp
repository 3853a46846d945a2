// Who may trigger on-demand issuance (certa serve --on-demand), decided in
// memory before anything touches the store or the CA, so that a flood of
// random SNIs stays cheap:
//   - allow patterns: exact names or "*.example.com" (any name below it,
//     one or more labels deep; the bare "example.com" is not covered);
//   - answers of an external check (--ask URL), cached by the caller via
//     remember();
//   - rules kept in the store (`certa ondemand allow|deny`), replaced as a
//     whole by set_shared_rules(); a deny rule beats every allow;
//   - a negative cache: denied and failed names are refused for a TTL, and
//     names whose issuance failed anywhere (set_failures, from the store) are
//     refused until their retry time;
//   - rate limits on new requests: per name, per registered domain and
//     global, each counted over a sliding minute. The registered domain is
//     APPROXIMATED as the last two labels (no public suffix list), so
//     "a.example.co.uk" and "b.other.co.uk" share the bucket "co.uk".
// Thread-safe; every structure is bounded (oldest entries are dropped). The
// cached "yes" and "no" answers are kept apart, each expiring at its own
// deadline, so a flood of refused names cannot push out approved ones.
#pragma once

#include "handshake/ondemand/DeadlineTable.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace certa::handshake {

struct OnDemandLimits {
    int per_name_per_minute = 2;
    int per_domain_per_minute = 10;
    int global_per_minute = 60;
    std::chrono::seconds negative_ttl{300};
    std::size_t max_tracked = 10000;  // names/domains remembered at most
};

class OnDemandPolicy {
public:
    using Clock = std::chrono::steady_clock;
    enum class Verdict {
        Allowed,      // matches a pattern (or a cached "yes"): may be requested
        Denied,       // matches nothing (or a cached "no")
        Unknown,      // no pattern matches but an external check may say yes
        RateLimited,  // allowed, but a limit is exhausted right now
    };

    OnDemandPolicy(std::vector<std::string> patterns, OnDemandLimits limits, bool has_external_check = false);

    // Is `name` (normalized) allowed at all? Cheap; touches no limit counter.
    Verdict allowed(const std::string& name, Clock::time_point now = Clock::now());
    // Takes one unit of every rate limit for a new request for `name`; false
    // (and nothing taken) when any is exhausted.
    bool take_request(const std::string& name, Clock::time_point now = Clock::now());
    // Caches an external answer (yes/no) or a failure (no) for negative_ttl.
    void remember(const std::string& name, bool allowed, Clock::time_point now = Clock::now());

    // The store's allow/deny list (normalized patterns), replacing the last one.
    void set_shared_rules(std::vector<std::string> allow, std::vector<std::string> deny);
    // Names whose issuance failed (any host sharing the store) and when they
    // may be tried again, replacing the last set.
    void set_failures(std::unordered_map<std::string, Clock::time_point> failures);

    static bool matches(const std::string& pattern, const std::string& name);
    // Last two labels ("a.b.example.com" -> "example.com"); see the header note.
    static std::string registered_domain(const std::string& name);

private:
    struct Window {
        std::deque<Clock::time_point> times;
        bool full(int limit, Clock::time_point now);
    };
    Window& window(std::unordered_map<std::string, Window>& map, const std::string& key, Clock::time_point now);

    std::vector<std::string> patterns_;
    OnDemandLimits limits_;
    bool has_external_check_;
    std::mutex mutex_;
    DeadlineTable allowed_answers_, refused_answers_;
    std::vector<std::string> shared_allow_, shared_deny_;
    std::unordered_map<std::string, Clock::time_point> failures_;
    std::unordered_map<std::string, Window> per_name_, per_domain_;
    Window global_;
};

}  // namespace certa::handshake
