#include "acme/challenge/Http01Responder.hpp"

#include "acme/challenge/ChallengeSolver.hpp"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace certa::acme {

struct Http01Responder::Impl {
    explicit Impl(storage::Store& s) : store(s) {}
    storage::Store& store;
    std::atomic<std::uint64_t> served{0};
};

namespace {

constexpr std::string_view kPrefix = "/.well-known/acme-challenge/";

using ResponsePtr = std::unique_ptr<MHD_Response, void (*)(MHD_Response*)>;

MHD_Result reply(MHD_Connection* connection, unsigned status, const std::string& body, const char* content_type) {
    ResponsePtr response(MHD_create_response_from_buffer(body.size(), const_cast<char*>(body.data()),
                                                         MHD_RESPMEM_MUST_COPY),
                         MHD_destroy_response);
    if (!response) return MHD_NO;
    MHD_add_response_header(response.get(), MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    return MHD_queue_response(connection, status, response.get());
}

MHD_Result not_found(MHD_Connection* connection) {
    return reply(connection, MHD_HTTP_NOT_FOUND, "not found\n", "text/plain");
}

MHD_Result handle(void* cls, MHD_Connection* connection, const char* url, const char* method, const char*,
                  const char*, size_t* upload_data_size, void** request_state) {
    auto* impl = static_cast<Http01Responder::Impl*>(cls);
    // Answer on the first call: a request with a body (any non-GET) gets its
    // 404 without the body ever being read.
    (void)request_state;
    (void)upload_data_size;
    if (std::strcmp(method, MHD_HTTP_METHOD_GET) != 0) return not_found(connection);
    std::string_view path(url);
    if (path.substr(0, kPrefix.size()) != kPrefix) return not_found(connection);
    const std::string token(path.substr(kPrefix.size()));
    if (!is_valid_token(token)) return not_found(connection);
    try {
        auto challenge = impl->store.find_http01(token);
        if (!challenge) return not_found(connection);
        ++impl->served;
        spdlog::debug("http-01: answered a challenge for {}", challenge->identifier);
        return reply(connection, MHD_HTTP_OK, challenge->key_authorization, "application/octet-stream");
    } catch (const std::exception& e) {
        spdlog::warn("http-01 responder: store lookup failed: {}", e.what());
        return reply(connection, MHD_HTTP_SERVICE_UNAVAILABLE, "store unavailable\n", "text/plain");
    }
}

// Fills `out` with the address to bind; false for "every address".
bool make_address(const Http01ResponderOptions& options, sockaddr_storage& out, unsigned& flags) {
    std::memset(&out, 0, sizeof out);
    if (options.address.empty()) return false;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
    if (inet_pton(AF_INET, options.address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(options.port);
        return true;
    }
    std::string a = options.address;
    if (a.size() > 2 && a.front() == '[' && a.back() == ']') a = a.substr(1, a.size() - 2);
    if (inet_pton(AF_INET6, a.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(options.port);
        flags |= MHD_USE_IPv6;
        return true;
    }
    throw Http01ResponderError("invalid --http-address '" + options.address + "' (an IP address is expected)", false);
}

}  // namespace

void Http01Responder::DaemonDeleter::operator()(MHD_Daemon* d) const noexcept { MHD_stop_daemon(d); }

Http01Responder::Http01Responder(storage::Store& store, Http01ResponderOptions options)
    : impl_(std::make_unique<Impl>(store)) {
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
    sockaddr_storage addr;
    const bool specific = make_address(options, addr, flags);
    const unsigned limits_flags = flags;
    auto start = [&](unsigned f) {
        // Bounded requests: a small per-connection memory pool caps headers and URL.
        return MHD_start_daemon(f, options.port, nullptr, nullptr, &handle, impl_.get(),
                                MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<size_t>(16 * 1024),
                                MHD_OPTION_CONNECTION_LIMIT, options.connection_limit,
                                // One host cannot take every slot from the CA's validators.
                                MHD_OPTION_PER_IP_CONNECTION_LIMIT, options.per_ip_connection_limit,
                                MHD_OPTION_CONNECTION_TIMEOUT, options.idle_timeout_s,
                                MHD_OPTION_SOCK_ADDR, specific ? reinterpret_cast<sockaddr*>(&addr) : nullptr,
                                MHD_OPTION_END);
    };
    errno = 0;
    MHD_Daemon* d = specific ? start(limits_flags) : start(flags | MHD_USE_DUAL_STACK);
    if (!d && !specific) d = start(flags);  // no IPv6 on this host: IPv4 only
    if (!d) {
        const int err = errno;
        const std::string where = (options.address.empty() ? std::string("*") : options.address) + ":" +
                                  std::to_string(options.port);
        throw Http01ResponderError("cannot start the http-01 responder on " + where +
                                       (err ? std::string(": ") + std::strerror(err) : std::string()),
                                   err == EADDRINUSE);
    }
    daemon_.reset(d);
    const MHD_DaemonInfo* info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    port_ = info ? info->port : options.port;
}

Http01Responder::~Http01Responder() = default;

std::uint64_t Http01Responder::served() const noexcept { return impl_->served.load(); }

}  // namespace certa::acme
