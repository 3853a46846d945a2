// Limits the --ask checks one client may cause (issue 14): a token bucket of
// `per_minute` asks per client, refilled evenly over the minute. A client is
// its client_group (agent/ClientGroup) of the address as serve saw it (the TCP peer; serve takes no inbound PROXY
// header, and the one --proxy-protocol sends to the target carries this same
// address): IPv4 per address, IPv6 per /64, since one host commonly holds a
// whole /64 (RFC 4291 §2.5.4, RFC 7421). At most `max_clients` buckets are
// kept; the least recently used one is dropped to make room. Not thread-safe:
// the gate holds its mutex around every call.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>

namespace certa::handshake {

class ClientAskLimiter {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    ClientAskLimiter(int per_minute, std::size_t max_clients);

    // Takes one ask for `client` (an address as text); false when its bucket is empty.
    bool take(const std::string& client, TimePoint now);


private:
    struct Bucket {
        double tokens;
        TimePoint refilled;
        std::list<std::string>::iterator recent;
    };
    Bucket& find_or_add(const std::string& key, TimePoint now);

    double per_minute_;
    std::size_t max_clients_;
    std::unordered_map<std::string, Bucket> buckets_;
    std::list<std::string> recent_;  // most recently used first
};

}  // namespace certa::handshake
