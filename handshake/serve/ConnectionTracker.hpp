// Counts the daemon's open connections and refuses beyond a limit in all and
// a share per client, and tells the daemon when the last one closed (so a
// graceful shutdown can end early).
//
// The per-client share shrinks as the table fills: per_client while it is
// empty, per_client * free / limit later, never below per_client / 8 nor
// below 8 (per_client when that is smaller): a client that needs a few
// connections at once (an ACME validator opens three) still gets them. One host keeps a loaded table from filling, and with many hosts
// none holds more than its share of what is left (issue #21: eight addresses
// holding 128 each took all 1,024 slots). When the table is full anyway, the
// caller may make room (ServeDaemon evicts the oldest incomplete ClientHello,
// see HelloQueue) and the new connection is admitted.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace certa::handshake {

class ConnectionTracker : public std::enable_shared_from_this<ConnectionTracker> {
public:
    // Held by a connection for its lifetime; releasing it frees the slot.
    class Ticket {
    public:
        Ticket() = default;
        Ticket(std::shared_ptr<ConnectionTracker> owner, std::string client)
            : owner_(std::move(owner)), client_(std::move(client)) {}
        Ticket(Ticket&&) noexcept = default;
        Ticket& operator=(Ticket&& other) noexcept;
        Ticket(const Ticket&) = delete;
        Ticket& operator=(const Ticket&) = delete;
        ~Ticket() { release(); }
        void release();

    private:
        std::shared_ptr<ConnectionTracker> owner_;
        std::string client_;
    };

    // per_client 0: no limit per client.
    static std::shared_ptr<ConnectionTracker> create(std::size_t limit, std::size_t per_client = 0);

    // A slot, or nullopt when `client` (a client_group key: an IPv4 address
    // or an IPv6 /64) holds its share already (client_share), or when
    // `limit` connections are open and `make_room` (if given) freed none.
    // When make_room returns true, one connection is on its way out: the slot
    // is given at once (the count runs over the limit until that one closes).
    std::optional<Ticket> try_acquire(const std::string& client = {},
                                      const std::function<bool()>& make_room = {});
    // How many connections one client may hold while `active` are open.
    std::size_t client_share(std::size_t active) const;
    std::size_t active() const { return active_.load(); }
    std::size_t limit() const { return limit_; }
    // Runs `callback` once, as soon as no connection is open (at once if none is).
    // It runs on the thread that closed the last connection: post from it.
    void when_idle(std::function<void()> callback);
    // Forgets a callback given to when_idle that has not run yet.
    void cancel_idle_callback();

private:
    ConnectionTracker(std::size_t limit, std::size_t per_client)
        : limit_(limit),
          per_client_(per_client),
          min_share_(std::max(std::min<std::size_t>(per_client, kMinShare), per_client / 8)) {}
    static constexpr std::size_t kMinShare = 8;
    void release_one(const std::string& client);

    const std::size_t limit_;
    const std::size_t per_client_;
    const std::size_t min_share_;
    std::unordered_map<std::string, std::size_t> by_client_;  // under mutex_
    std::atomic<std::size_t> active_{0};
    std::mutex mutex_;
    std::function<void()> on_idle_;
};

}  // namespace certa::handshake
