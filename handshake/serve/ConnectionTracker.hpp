// Counts the daemon's open connections, refuses beyond a limit in all and a
// limit per client (so that one host holding silent sockets cannot take every
// slot), and tells the daemon when the last one closed (so a graceful
// shutdown can end early).
#pragma once

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

    // A slot, or nullopt when `limit` connections are open already, or
    // `per_client` of them belong to `client` (a client_group key:
    // an IPv4 address or an IPv6 /64).
    std::optional<Ticket> try_acquire(const std::string& client = {});
    std::size_t active() const { return active_.load(); }
    // Runs `callback` once, as soon as no connection is open (at once if none is).
    // It runs on the thread that closed the last connection: post from it.
    void when_idle(std::function<void()> callback);
    // Forgets a callback given to when_idle that has not run yet.
    void cancel_idle_callback();

private:
    ConnectionTracker(std::size_t limit, std::size_t per_client) : limit_(limit), per_client_(per_client) {}
    void release_one(const std::string& client);

    const std::size_t limit_;
    const std::size_t per_client_;
    std::unordered_map<std::string, std::size_t> by_client_;  // under mutex_
    std::atomic<std::size_t> active_{0};
    std::mutex mutex_;
    std::function<void()> on_idle_;
};

}  // namespace certa::handshake
