// A tiny plaintext HTTP server on loopback (libmicrohttpd, its own thread),
// standing in for the application behind `certa serve --upstream`.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

struct MHD_Daemon;

namespace certa::test {

class HttpUpstream {
public:
    // Answers every request with 200 and `body`, "Connection: close".
    explicit HttpUpstream(std::string body);
    ~HttpUpstream();
    std::uint16_t port() const { return port_; }
    int requests() const { return requests_.load(); }

    // The C callback's view (public so it can reach it).
    const std::string& body() const { return body_; }
    void count() { ++requests_; }

private:
    struct Stop {
        void operator()(MHD_Daemon* d) const;
    };
    std::string body_;
    std::atomic<int> requests_{0};
    std::unique_ptr<MHD_Daemon, Stop> daemon_;
    std::uint16_t port_ = 0;
};

}  // namespace certa::test
