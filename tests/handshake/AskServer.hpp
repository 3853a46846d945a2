// A loopback stand-in for the `certa serve --ask URL` endpoint (libmicrohttpd,
// its own thread): GET /check?domain=NAME answers 200 for the names it was
// given and 403 for any other, and counts the GETs per name.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

struct MHD_Daemon;

namespace certa::test {

class AskServer {
public:
    explicit AskServer(std::set<std::string> allowed);
    ~AskServer();
    std::uint16_t port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/check"; }
    // GETs seen for `domain` so far.
    int asked(const std::string& domain) const;
    int asked_total() const;
    // Stops answering (the port is closed): the ask server is "down".
    void stop();

    // The C callback's view (public so it can reach it).
    int answer(const std::string& domain);

private:
    struct Stop {
        void operator()(MHD_Daemon* d) const;
    };
    std::set<std::string> allowed_;
    mutable std::mutex mutex_;
    std::map<std::string, int> asked_;
    std::unique_ptr<MHD_Daemon, Stop> daemon_;
    std::uint16_t port_ = 0;
};

}  // namespace certa::test
