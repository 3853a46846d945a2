#include "acme/challenge/dns/DnsTxtLookup.hpp"

#include "storage/net/HostPort.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <type_traits>

namespace certa::acme {
namespace {

constexpr int kClassIn = 1;   // RFC 1035 §3.2.4
constexpr int kTypeTxt = 16;  // RFC 1035 §3.2.2
// Upper bound on event-loop turns per lookup (each turn waits in poll()
// or handles an event), on top of the time bound.
constexpr int kMaxLoopTurns = 10000;

struct ChannelDeleter {
    void operator()(ares_channel channel) const noexcept { ares_destroy(channel); }
};
using ChannelPtr = std::unique_ptr<std::remove_pointer_t<ares_channel>, ChannelDeleter>;

struct AresDataDeleter {
    void operator()(void* data) const noexcept { ares_free_data(data); }
};
template <typename T>
using AresData = std::unique_ptr<T, AresDataDeleter>;

void library_init() {
    static std::once_flag once;
    static int status = ARES_SUCCESS;
    std::call_once(once, [] { status = ares_library_init(ARES_LIB_INIT_ALL); });
    if (status != ARES_SUCCESS) throw DnsLookupError(std::string("c-ares: ") + ares_strerror(status));
}

ChannelPtr make_channel() {
    library_init();
    ares_options options{};
    options.timeout = 1000;  // ms per try (ARES_OPT_TIMEOUTMS)
    options.tries = 3;
    ares_channel raw = nullptr;
    const int status = ares_init_options(&raw, &options, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
    ChannelPtr channel(raw);
    if (status != ARES_SUCCESS) throw DnsLookupError(std::string("c-ares: ") + ares_strerror(status));
    return channel;
}

bool is_ip(const std::string& address, int family) {
    unsigned char buffer[sizeof(in6_addr)];
    return ::inet_pton(family, address.c_str(), buffer) == 1;
}

// What one query's callback leaves behind.
struct QueryState {
    bool done = false;
    int status = ARES_SUCCESS;
    std::vector<std::string> records;
};

void on_answer(void* arg, int status, int, unsigned char* answer, int length) noexcept {
    auto* state = static_cast<QueryState*>(arg);
    state->done = true;
    state->status = status;
    if (status != ARES_SUCCESS) return;
    ares_txt_ext* raw = nullptr;
    state->status = ares_parse_txt_reply_ext(answer, length, &raw);
    AresData<ares_txt_ext> txt(raw);
    try {
        // A record of several character-strings arrives as chunks; join them.
        for (const ares_txt_ext* p = txt.get(); p; p = p->next) {
            if (p->record_start || state->records.empty()) state->records.emplace_back();
            state->records.back().append(reinterpret_cast<const char*>(p->txt), p->length);
        }
    } catch (...) {
        state->status = ARES_ENOMEM;
    }
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

}  // namespace

struct DnsTxtLookup::Channel {
    ChannelPtr handle;
};

std::string DnsResolver::to_string() const { return storage::net::HostPort{address, port}.to_string(); }

DnsResolver parse_dns_resolver(std::string_view text) {
    const auto bad = [&] {
        return std::invalid_argument("--dns-resolver '" + std::string(text) +
                                     "': expected an IP address with an optional port (1.2.3.4, 1.2.3.4:53, [::1]:53)");
    };
    storage::net::HostPort parsed;
    try {
        parsed = storage::net::HostPort::parse(text, 53);
    } catch (const std::invalid_argument&) {
        throw bad();
    }
    // An IP literal (IPv6 exactly when it has a ':'), and a real port.
    if (parsed.port == 0 || !is_ip(parsed.host, parsed.host.find(':') != std::string::npos ? AF_INET6 : AF_INET))
        throw bad();
    return DnsResolver{parsed.host, parsed.port};
}

std::vector<DnsResolver> system_dns_resolvers() {
    ChannelPtr channel = make_channel();
    ares_addr_port_node* raw = nullptr;
    const int status = ares_get_servers_ports(channel.get(), &raw);
    AresData<ares_addr_port_node> servers(raw);
    if (status != ARES_SUCCESS) throw DnsLookupError(std::string("c-ares: ") + ares_strerror(status));
    std::vector<DnsResolver> out;
    for (const ares_addr_port_node* n = servers.get(); n; n = n->next) {
        char text[INET6_ADDRSTRLEN] = {};
        if (!ares_inet_ntop(n->family, &n->addr, text, sizeof text)) continue;
        DnsResolver r{text, 53};
        if (n->udp_port > 0 && n->udp_port <= 65535) r.port = static_cast<std::uint16_t>(n->udp_port);
        out.push_back(std::move(r));
    }
    if (out.empty()) throw DnsLookupError("no DNS resolver configured (/etc/resolv.conf)");
    return out;
}

DnsTxtLookup::DnsTxtLookup(DnsResolver resolver) : resolver_(std::move(resolver)), channel_(new Channel{make_channel()}) {
    ares_addr_port_node server{};
    server.family = resolver_.address.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    void* target = server.family == AF_INET6 ? static_cast<void*>(&server.addr.addr6) : &server.addr.addr4;
    if (::inet_pton(server.family, resolver_.address.c_str(), target) != 1)
        throw std::invalid_argument("not an IP address: " + resolver_.address);
    server.udp_port = server.tcp_port = resolver_.port;
    if (int status = ares_set_servers_ports(channel_->handle.get(), &server); status != ARES_SUCCESS)
        throw DnsLookupError(std::string("c-ares: ") + ares_strerror(status));
}

DnsTxtLookup::~DnsTxtLookup() = default;

std::vector<std::string> DnsTxtLookup::txt_records(const std::string& fqdn, std::chrono::milliseconds timeout) {
    ares_channel channel = channel_->handle.get();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    QueryState state;
    ares_query(channel, fqdn.c_str(), kClassIn, kTypeTxt, on_answer, &state);
    for (int turn = 0; !state.done && turn < kMaxLoopTurns; ++turn) {
        const int left = remaining_ms(deadline);
        if (left == 0) break;
        ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
        const int mask = ares_getsock(channel, sockets, ARES_GETSOCK_MAXNUM);
        pollfd fds[ARES_GETSOCK_MAXNUM];
        nfds_t count = 0;
        for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
            const bool read = ARES_GETSOCK_READABLE(mask, i), write = ARES_GETSOCK_WRITABLE(mask, i);
            if (!read && !write) continue;
            fds[count++] = pollfd{sockets[i], static_cast<short>((read ? POLLIN : 0) | (write ? POLLOUT : 0)), 0};
        }
        timeval max_wait{left / 1000, (left % 1000) * 1000}, wait{};
        const timeval* t = ares_timeout(channel, &max_wait, &wait);
        const int wait_ms = static_cast<int>(t->tv_sec * 1000 + t->tv_usec / 1000) + 1;
        const int ready = ::poll(fds, count, wait_ms);
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) {
            ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // handles timeouts
            continue;
        }
        for (nfds_t i = 0; i < count; ++i) {
            const short ev = fds[i].revents;
            if (ev == 0) continue;
            ares_process_fd(channel, (ev & (POLLIN | POLLERR | POLLHUP)) ? fds[i].fd : ARES_SOCKET_BAD,
                            (ev & POLLOUT) ? fds[i].fd : ARES_SOCKET_BAD);
        }
    }
    if (!state.done) {
        ares_cancel(channel);  // runs the callback (ARES_ECANCELLED) before `state` goes away
        throw DnsLookupError("no answer from " + resolver_.to_string() + " within " +
                             std::to_string(timeout.count()) + " ms");
    }
    if (state.status == ARES_ENODATA || state.status == ARES_ENOTFOUND) return {};
    if (state.status != ARES_SUCCESS)
        throw DnsLookupError(resolver_.to_string() + ": " + ares_strerror(state.status));
    return std::move(state.records);
}

}  // namespace certa::acme
