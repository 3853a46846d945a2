// A deadline for the request header of each metrics connection, counted from
// the moment the connection opened (or its previous request completed): not
// an idle timeout that every byte resets, as libmicrohttpd's
// MHD_OPTION_CONNECTION_TIMEOUT is, so a client dribbling a header byte every
// few seconds cannot hold a connection for long (issue #21). A watchdog
// thread shuts down the socket of each connection past its deadline
// (shutdown(2), not close: libmicrohttpd still owns the descriptor and
// closes it once it sees the end).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace certa::cli {

class HeaderDeadline {
public:
    explicit HeaderDeadline(std::chrono::milliseconds limit);
    ~HeaderDeadline();  // stops and joins the watchdog
    HeaderDeadline(const HeaderDeadline&) = delete;
    HeaderDeadline& operator=(const HeaderDeadline&) = delete;

    // The connection on `fd` opened, or finished a request: a header is due.
    // Called by the server for a descriptor it holds open until closed(fd).
    void header_due(int fd);
    // Its header has arrived: no deadline until the next header_due.
    void header_received(int fd);
    // The server is about to close `fd`: forget it.
    void closed(int fd);

private:
    using Clock = std::chrono::steady_clock;
    void watch();

    const std::chrono::milliseconds limit_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::unordered_map<int, Clock::time_point> due_;  // fd -> deadline, under mutex_
    bool stopping_ = false;
    std::thread watchdog_;  // last: starts once the rest is ready
};

}  // namespace certa::cli
