#include "handshake/serve/ServeDaemon.hpp"

#include "handshake/agent/ClientGroup.hpp"
#include "handshake/serve/ConnectionRouter.hpp"
#include "handshake/serve/ConnectionTracker.hpp"
#include "handshake/serve/HelloQueue.hpp"
#include "handshake/serve/HelloTimeouts.hpp"
#include "handshake/serve/Listener.hpp"
#include "handshake/serve/ServeContext.hpp"
#include "handshake/serve/ServeError.hpp"
#include "storage/base/Clock.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include "storage/Store.hpp"

#include <unistd.h>

#include <array>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <random>
#include <sstream>
#include <thread>

namespace certa::handshake {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

asio::ssl::context make_tls_context(Agent& agent, ForwardMode mode) {
    asio::ssl::context tls(asio::ssl::context::tls_server);
    // TLS 1.2 is the floor (RFC 8737 §4 needs TLS 1.2 or later anyway).
    SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_options(tls.native_handle(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (mode == ForwardMode::ChallengesOnly) {
        // Every connection here ends with its handshake (RFC 8737 §3 for a
        // challenge; the leaf check likewise), so a resumption could never
        // save anything: no session tickets (RFC 8446 §4.6.1 NewSessionTicket,
        // about 14 us of OpenSSL 3.0 CPU each, two by default) and no session
        // cache (no TLS 1.2 session ID either).
        SSL_CTX_set_options(tls.native_handle(), SSL_OP_NO_TICKET);
        SSL_CTX_set_num_tickets(tls.native_handle(), 0);
        SSL_CTX_set_session_cache_mode(tls.native_handle(), SSL_SESS_CACHE_OFF);
    }
    // A read takes what the socket has (a flight's records at once), not a
    // record header and then its body: half the read calls per handshake.
    SSL_CTX_set_read_ahead(tls.native_handle(), 1);
    agent.attach(tls.native_handle());
    return tls;
}

// "host-pid-random": unique per process, readable in the store.
std::string make_agent_id() {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "%s", "unknown");
    std::random_device random;
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, "%08x%08x", random(), random());
    return std::string(host) + "-" + std::to_string(getpid()) + "-" + suffix;
}


// The peer's address as text, as address::to_string() writes it; IPv4
// without inet_ntop's printf, which is most of this per-connection step's cost.
std::string address_text(const asio::ip::address& address) {
    if (!address.is_v4()) return address.to_string();
    const auto v4 = address.to_v4().to_bytes();
    std::array<char, 16> text;
    char* at = text.data();
    for (std::size_t i = 0; i < v4.size(); ++i) {
        if (i) *at++ = '.';
        at = std::to_chars(at, text.data() + text.size(), v4[i]).ptr;
    }
    return std::string(text.data(), at);
}

void check(const ServeOptions& options) {
    if (options.listen.empty()) throw ServeError("no listen address");
    if (options.mode != ForwardMode::ChallengesOnly && (options.target.host.empty() || options.target.port == 0))
        throw ServeError("the forwarding target needs HOST:PORT");
    if (options.threads < 1) throw ServeError("at least one io thread is needed");
    if (options.max_connections == 0) throw ServeError("max connections must be positive");
}

// One io_context per io thread (concurrency hint 1: its scheduler never hands
// work to another thread), each with its own listeners (Listener::bind_group),
// so a connection's handlers all run on the thread that accepted it.
std::vector<std::unique_ptr<asio::io_context>> make_io_contexts(int threads) {
    std::vector<std::unique_ptr<asio::io_context>> ios;
    for (int i = 0; i < threads; ++i) ios.push_back(std::make_unique<asio::io_context>(1));
    return ios;
}

}  // namespace

// Member order matters: sessions (owned by the io contexts' pending handlers)
// refer to `context` and the TLS context, which refer to the agent; listeners
// use the io contexts.
struct ServeDaemon::Impl {
    Impl(ServeOptions options, std::unique_ptr<Agent> a)
        : agent(std::move(a)),
          tls(make_tls_context(*agent, options.mode)),
          hellos(HelloQueue::create()),
          context{std::move(options), tls, counters, *hellos},
          tracker(ConnectionTracker::create(context.options.max_connections,
                                            context.options.max_connections_per_client)),
          ios(make_io_contexts(context.options.threads)),
          control(asio::make_strand(*ios.front())),
          signals(control, SIGINT, SIGTERM),
          grace(control) {
        for (auto& io : ios) keep_running.emplace_back(io->get_executor());
    }
    // The agent goes first (its loader threads joined): a load finishing now
    // would post a paused handshake's resumption onto an io context being
    // destroyed. No session uses the agent any more (the io threads returned);
    // their SSLs, freed with the io contexts, hold nothing of it.
    ~Impl() { agent.reset(); }

    void accept(Socket socket, const asio::ip::tcp::endpoint& remote) {
        std::string address = address_text(remote.address());
        // A full table makes room by evicting the oldest incomplete ClientHello.
        auto ticket = tracker->try_acquire(address.empty() ? address : client_group(address),
                                           [this] { return hellos->evict_oldest(); });
        const std::size_t active = tracker->active();
        if (!ticket) {
            context.counters.over_limit.add();
            spdlog::debug("serve: connection limit reached ({} of {} open, {} per client now), refusing {}", active,
                          tracker->limit(), tracker->client_share(active), address);
            error_code ignored;
            socket.close(ignored);
            return;
        }
        ConnectionRouter::start(context, std::move(socket), std::move(*ticket), std::move(address),
                                hello_timeouts(context.options, active, tracker->limit()));
    }

    // Runs on `control`.
    void begin_shutdown() {
        if (stopping) return;
        stopping = true;
        signals.cancel();
        for (auto& listener : listeners) listener->stop();
        spdlog::info("serve: stopping; {} connection(s) open, waiting up to {} ms", tracker->active(),
                     context.options.shutdown_grace.count());
        grace.expires_after(context.options.shutdown_grace);
        grace.async_wait([this](const error_code& ec) {
            if (ec) return;
            spdlog::warn("serve: grace period over, closing {} connection(s)", tracker->active());
            for (auto& io : ios) io->stop();
        });
        // Once the last connection closed, nothing is left but the timer: the
        // io contexts then run out of work and their threads return.
        tracker->when_idle([this] { asio::post(control, [this] { grace.cancel(); }); });
        keep_running.clear();
    }

    std::unique_ptr<Agent> agent;
    asio::ssl::context tls;
    ServeCounters counters;
    std::shared_ptr<HelloQueue> hellos;
    ServeContext context;
    std::shared_ptr<ConnectionTracker> tracker;
    std::vector<std::unique_ptr<asio::io_context>> ios;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;  // until shutdown
    asio::strand<asio::io_context::executor_type> control;   // signals, grace, stopping (on the first io thread)
    asio::signal_set signals;
    asio::steady_timer grace;
    std::vector<std::unique_ptr<Listener>> listeners;  // every address x every io thread
    bool stopping = false;   // only touched on `control`
};

ServeDaemon::ServeDaemon(ServeOptions options, std::unique_ptr<Agent> agent) {
    if (!agent) throw ServeError("no agent");
    check(options);
    impl_ = std::make_unique<Impl>(std::move(options), std::move(agent));
    std::vector<asio::io_context*> ios;
    for (auto& io : impl_->ios) ios.push_back(io.get());
    for (const auto& address : impl_->context.options.listen) {
        auto group = Listener::bind_group(ios, address, [impl = impl_.get()](Socket socket, const asio::ip::tcp::endpoint& remote) {
            impl->accept(std::move(socket), remote);
        });
        for (auto& listener : group) impl_->listeners.push_back(std::move(listener));
    }
}

ServeDaemon::~ServeDaemon() = default;

std::string ServeDaemon::report_to_store(AgentOptions& options) {
    std::string id = make_agent_id();
    // A failed write (store locked past its busy timeout, read-only) is only
    // logged: serving goes on and the next change or beat writes again.
    options.on_loaded = [id](storage::Store& store, std::int64_t generation) {
        try {
            store.report_loaded_generation(id, generation, storage::unix_now());
            spdlog::debug("serve: agent {} reported generation {}", id, generation);
        } catch (const std::exception& e) {
            spdlog::debug("serve: agent {} could not report generation {}: {}", id, generation, e.what());
        }
    };
    options.on_close = [id](storage::Store& store) {
        try {
            store.remove_serving_agent(id);
            spdlog::debug("serve: agent {} removed from the store", id);
        } catch (const std::exception& e) {
            spdlog::debug("serve: agent {} could not remove its row: {}", id, e.what());
        }
    };
    return id;
}

const ServeCounters& ServeDaemon::counters() const { return impl_->counters; }

std::vector<HostPort> ServeDaemon::local_addresses() const {
    // One entry per listen address (its group's first listener).
    std::vector<HostPort> out;
    const std::size_t per_address = impl_->ios.size();
    for (std::size_t i = 0; i < impl_->listeners.size(); i += per_address) {
        auto endpoint = impl_->listeners[i]->local_endpoint();
        out.push_back(HostPort{endpoint.address().to_string(), endpoint.port()});
    }
    return out;
}

void ServeDaemon::run() {
    Impl& impl = *impl_;
    impl.signals.async_wait([&impl](const error_code& ec, int signal) {
        if (ec) return;
        spdlog::info("serve: received signal {}", signal);
        impl.begin_shutdown();
    });
    for (auto& listener : impl.listeners) listener->start();
    for (const auto& address : local_addresses()) spdlog::info("serve: listening on {}", address.to_string());
    std::vector<std::thread> workers;
    for (std::size_t i = 1; i < impl.ios.size(); ++i) workers.emplace_back([io = impl.ios[i].get()] { io->run(); });
    impl.ios.front()->run();
    for (auto& worker : workers) worker.join();
    impl.tracker->cancel_idle_callback();   // connections cut at the grace end release later
    spdlog::info("serve: stopped");
}

void ServeDaemon::request_stop() {
    asio::post(impl_->control, [impl = impl_.get()] { impl->begin_shutdown(); });
}

}  // namespace certa::handshake
