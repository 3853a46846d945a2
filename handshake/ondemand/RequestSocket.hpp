// The on-demand request channel of `certa worker --request-socket` for
// servers whose handshake processes may only read the store (nginx's
// www-data workers with ngx_http_certa_module): a local stream socket on
// which such a process asks, for a name it holds no certificate for, whether
// to wait for one. Each request goes through the same OnDemandGate as `certa
// serve --on-demand` (allow patterns, --ask, stored rules, rate limits,
// negative cache), which writes the issuance request into the store.
//
// Protocol, one exchange per line (ASCII):
//   request: NAME [SP CLIENT] LF   NAME as the client sent it in SNI, CLIENT
//                                  the TLS client's address (the gate limits
//                                  --ask checks per client); at most
//                                  kMaxRequestLine bytes
//   answer:  "wait" LF             requested (or pending): re-check the store
//            "serve" LF            a valid certificate is there (or not a DNS name)
//            "deny" LF             refused (policy, rate limit, full queue)
// A longer line, or more than max_lines on one connection, closes it.
//
// Bounded: max_connections open at once (more are closed at accept), each
// closed after `idle` without a complete line. The socket file gets `mode`
// and, when given, the group `group`; a stale socket file (nobody accepting)
// is replaced, a live one is an error. One io thread (Boost.Asio).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace certa::handshake {

class OnDemandGate;

inline constexpr std::size_t kMaxRequestLine = 512;

struct RequestSocketOptions {
    std::string path;
    mode_t mode = 0660;
    std::optional<gid_t> group;  // chown the socket file to this group
    std::size_t max_connections = 256;
    std::size_t max_lines = 64;  // per connection
    std::chrono::milliseconds idle{5000};
};

struct RequestSocketStats {
    std::uint64_t requests = 0;       // lines answered
    std::uint64_t waits = 0;          //   of those, "wait"
    std::uint64_t denials = 0;        //   of those, "deny"
    std::uint64_t bad_lines = 0;      // over-long or unparsable lines (connection closed)
    std::uint64_t over_limit = 0;     // connections closed at accept: max_connections open
};

class RequestSocketError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class RequestSocket {
public:
    // Binds and listens (throws RequestSocketError), then serves on its own
    // thread. `gate` must outlive the socket.
    RequestSocket(RequestSocketOptions options, OnDemandGate& gate);
    // Stops the thread, closes every connection, removes the socket file.
    ~RequestSocket();
    RequestSocket(const RequestSocket&) = delete;
    RequestSocket& operator=(const RequestSocket&) = delete;

    RequestSocketStats stats() const;

    // The answer to one request line (without its LF): "wait", "serve" or
    // "deny"; nullopt when the line is malformed. Public for tests.
    static std::optional<std::string> answer(OnDemandGate& gate, const std::string& line);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace certa::handshake
