#include "cli/metrics/MetricsServer.hpp"

#include "cli/metrics/HeaderDeadline.hpp"
#include "cli/metrics/PrometheusText.hpp"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <exception>

namespace certa::cli {

struct MetricsServer::State {
    State(Render r, std::chrono::milliseconds header_deadline) : render(std::move(r)), deadline(header_deadline) {}
    Render render;
    HeaderDeadline deadline;
    // Declared last, so destroyed first: MHD_stop_daemon joins MHD's thread
    // (telling `deadline` of every close) before `render` and `deadline` go.
    std::unique_ptr<MHD_Daemon, decltype(&MHD_stop_daemon)> daemon{nullptr, &MHD_stop_daemon};
};

namespace {

MHD_Result answer(MHD_Connection* connection, unsigned status, const std::string& body, const char* type,
                  const char* allow = nullptr) {
    MHD_Response* response =
        MHD_create_response_from_buffer(body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY);
    if (!response) return MHD_NO;
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (allow) MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, allow);
    const MHD_Result queued = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);  // MHD keeps its own reference while sending
    return queued;
}

int connection_fd(MHD_Connection* connection) {
    const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info ? info->connect_fd : -1;
}

// A connection opened or closed (MHD calls CLOSED before it closes the descriptor).
void on_connection(void* cls, MHD_Connection* connection, void**, MHD_ConnectionNotificationCode code) {
    auto* state = static_cast<MetricsServer::State*>(cls);
    const int fd = connection_fd(connection);
    if (fd < 0) return;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) state->deadline.header_due(fd);
    else state->deadline.closed(fd);
}

// A request finished: on a kept-alive connection, the next header is due.
// (libmicrohttpd 0.9.75 answers "Connection: close" to every request this
// server answers on the first call, so this only guards a later version.)
void on_completed(void* cls, MHD_Connection* connection, void**, MHD_RequestTerminationCode code) {
    if (code != MHD_REQUEST_TERMINATED_COMPLETED_OK) return;  // the connection is closing
    if (const int fd = connection_fd(connection); fd >= 0)
        static_cast<MetricsServer::State*>(cls)->deadline.header_due(fd);
}

MHD_Result on_request(void* cls, MHD_Connection* connection, const char* url, const char* method, const char*,
                      const char*, size_t*, void**) {
    auto* state = static_cast<MetricsServer::State*>(cls);
    // Called once the whole header is in.
    if (const int fd = connection_fd(connection); fd >= 0) state->deadline.header_received(fd);
    const bool get = std::strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    const bool head = std::strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    if (std::strcmp(url, "/metrics") != 0) return answer(connection, MHD_HTTP_NOT_FOUND, "not found\n", "text/plain");
    // Answered on the first call: a request body is never read.
    if (!get && !head)
        return answer(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n", "text/plain", "GET, HEAD");
    try {
        return answer(connection, MHD_HTTP_OK, state->render(), kPrometheusContentType);
    } catch (const std::exception& e) {
        return answer(connection, MHD_HTTP_SERVICE_UNAVAILABLE, std::string("metrics unavailable: ") + e.what() + "\n",
                      "text/plain");
    }
}

// The socket address for an IP literal (IPv6 without brackets, as HostPort keeps it).
sockaddr_storage socket_address(const handshake::HostPort& address, unsigned& flags) {
    sockaddr_storage out{};
    auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
    if (inet_pton(AF_INET, address.host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(address.port);
    } else if (inet_pton(AF_INET6, address.host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(address.port);
        flags |= MHD_USE_IPv6;
    } else {
        throw MetricsServerError("cannot listen on " + address.to_string() + ": an IP address is expected");
    }
    return out;
}

MHD_Daemon* start(unsigned flags, const handshake::HostPort& address, const sockaddr_storage* where,
                  const MetricsServerLimits& limits, MetricsServer::State* state) {
    return MHD_start_daemon(flags, address.port, nullptr, nullptr, &on_request, state,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<size_t>(32 * 1024),
                            MHD_OPTION_CONNECTION_LIMIT, limits.connections,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, limits.per_address,
                            MHD_OPTION_CONNECTION_TIMEOUT, limits.idle_timeout_s,
                            MHD_OPTION_NOTIFY_CONNECTION, &on_connection, state,
                            MHD_OPTION_NOTIFY_COMPLETED, &on_completed, state,
                            MHD_OPTION_SOCK_ADDR, reinterpret_cast<const sockaddr*>(where), MHD_OPTION_END);
}

}  // namespace

MetricsServer::MetricsServer(const handshake::HostPort& address, Render render, const MetricsServerLimits& limits)
    : state_(std::make_unique<State>(std::move(render), limits.header_deadline)) {
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
    errno = 0;
    if (address.host.empty()) {
        state_->daemon.reset(start(flags | MHD_USE_DUAL_STACK, address, nullptr, limits, state_.get()));
        if (!state_->daemon) state_->daemon.reset(start(flags, address, nullptr, limits, state_.get()));  // no IPv6 here
    } else {
        const sockaddr_storage where = socket_address(address, flags);
        state_->daemon.reset(start(flags, address, &where, limits, state_.get()));
    }
    if (!state_->daemon) {
        const int err = errno;
        throw MetricsServerError("cannot listen on " + address.to_string() +
                                 (err ? std::string(": ") + std::strerror(err) : std::string()));
    }
    const MHD_DaemonInfo* info = MHD_get_daemon_info(state_->daemon.get(), MHD_DAEMON_INFO_BIND_PORT);
    port_ = info && info->port ? info->port : address.port;
}

MetricsServer::~MetricsServer() = default;

}  // namespace certa::cli
