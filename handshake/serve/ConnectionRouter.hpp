// First stop of every accepted connection: peeks (MSG_PEEK, nothing consumed)
// at once, and, when the ClientHello is not whole yet, again until it is, within the hello timeouts (shorter
// under pressure, see HelloTimeouts) and kMaxPeekBytes, then hands the
// connection to the session that fits. Between peeks it sleeps until the
// bytes the parser still needs have arrived (SO_RCVLOWAT, so a stalled hello
// costs nothing), and while it waits it stands in the HelloQueue, from which
// a full table evicts the oldest. Then:
//   ALPN acme-tls/1 offered  -> TlsSession (challenge handshake, then close)
//   --passthrough            -> PassthroughSession
//   --upstream               -> UpstreamSession
//   neither                  -> TlsSession (leaf handshake, then close)
// With --on-demand (options.on_demand) a non-challenge connection for a name
// without a certificate first waits, bounded, for one (OnDemandGate).
// Anything that is not a ClientHello is closed without a reply.
#pragma once

#include "handshake/hello/ClientHelloPeek.hpp"
#include "handshake/serve/ConnectionTracker.hpp"
#include "handshake/serve/HelloQueue.hpp"
#include "handshake/serve/HelloTimeouts.hpp"
#include "handshake/serve/ServeContext.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <string>
#include <cstdint>
#include <memory>

namespace certa::handshake {

class ConnectionRouter : public std::enable_shared_from_this<ConnectionRouter> {
public:
    // `client`: the peer's address as text ("" when unknown), for the
    // on-demand gate's per-client limits.
    static void start(const ServeContext& context, Socket socket, ConnectionTracker::Ticket ticket,
                      std::string client, HelloTimeouts timeouts);

private:
    ConnectionRouter(const ServeContext& context, Socket socket, ConnectionTracker::Ticket ticket,
                     std::string client, HelloTimeouts timeouts);
    // Joins the HelloQueue (once) and arms the deadline, then waits for bytes.
    void wait_readable();
    void arm_deadline();
    void peek();
    bool peer_finished_sending();
    // Wake only once `bytes` are queued (or at EOF / error).
    void set_low_watermark(std::size_t bytes);
    void route(const ClientHelloInfo& hello);
    // --on-demand: re-checks the gate until the certificate is there or the
    // wait runs out (timers only: an io thread never blocks), then forward().
    void wait_for_certificate(std::string sni, std::chrono::steady_clock::time_point until);
    void forward();
    void drop(const std::string& why, bool evicted = false);

    const ServeContext& context_;
    Socket socket_;
    ConnectionTracker::Ticket ticket_;
    HelloQueue::Entry waiting_;  // until routed or dropped
    const HelloTimeouts timeouts_;
    boost::asio::steady_timer deadline_;
    boost::asio::steady_timer retry_;  // on-demand re-checks
    std::chrono::steady_clock::time_point started_;  // accepted at
    std::size_t low_watermark_ = 1;  // SO_RCVLOWAT now
    int wakes_ = 0;                  // peeks of this connection so far
    bool got_first_byte_ = false;
    bool queued_ = false;  // in the HelloQueue (from the first wait until routed or dropped)
    enum class Deadline { None, FirstByte, WholeHello };
    Deadline armed_ = Deadline::None;
    std::string client_;  // the peer's address ("" when unknown)
    bool sni_missing_ = false;  // the ClientHello had no server_name (see TlsSession)
    bool done_ = false;
};

}  // namespace certa::handshake
