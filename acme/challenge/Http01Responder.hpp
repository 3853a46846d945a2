// A standalone http-01 responder (RFC 8555 §8.3) on libmicrohttpd. It answers
// only `GET /.well-known/acme-challenge/TOKEN` for an unexpired challenge row
// that it reads from the store (Store::find_http01), so it serves challenges
// written by any process sharing the store. Everything else is 404. Request
// size, connection count and idle time are bounded.
#pragma once

#include "storage/Store.hpp"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

struct MHD_Daemon;

namespace certa::acme {

struct Http01ResponderOptions {
    std::string address;       // IPv4 or IPv6 literal; empty: every address (dual stack)
    std::uint16_t port = 80;   // 0: any free port (see port())
    unsigned connection_limit = 64;
    unsigned per_ip_connection_limit = 16;  // per client address (MHD_OPTION_PER_IP_CONNECTION_LIMIT)
    unsigned idle_timeout_s = 10;
};

class Http01ResponderError : public std::runtime_error {
public:
    Http01ResponderError(const std::string& message, bool address_in_use)
        : std::runtime_error(message), address_in_use_(address_in_use) {}
    bool address_in_use() const noexcept { return address_in_use_; }

private:
    bool address_in_use_;
};

class Http01Responder {
public:
    // Starts listening (in MHD's own thread). Throws Http01ResponderError when
    // it cannot bind. `store` must outlive the responder and be thread-safe.
    Http01Responder(storage::Store& store, Http01ResponderOptions options);
    ~Http01Responder();
    Http01Responder(const Http01Responder&) = delete;
    Http01Responder& operator=(const Http01Responder&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    // Requests answered with a key authorization so far.
    std::uint64_t served() const noexcept;

    struct Impl;  // the request handler's state (public so the C callback can name it)

private:
    struct DaemonDeleter {
        void operator()(MHD_Daemon* d) const noexcept;
    };
    std::unique_ptr<Impl> impl_;
    std::unique_ptr<MHD_Daemon, DaemonDeleter> daemon_;
    std::uint16_t port_ = 0;
};

}  // namespace certa::acme
