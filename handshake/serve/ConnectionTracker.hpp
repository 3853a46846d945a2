// Counts the daemon's open connections, refuses beyond a limit, and tells the
// daemon when the last one closed (so a graceful shutdown can end early).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace certa::handshake {

class ConnectionTracker : public std::enable_shared_from_this<ConnectionTracker> {
public:
    // Held by a connection for its lifetime; releasing it frees the slot.
    class Ticket {
    public:
        Ticket() = default;
        explicit Ticket(std::shared_ptr<ConnectionTracker> owner) : owner_(std::move(owner)) {}
        Ticket(Ticket&&) noexcept = default;
        Ticket& operator=(Ticket&& other) noexcept;
        Ticket(const Ticket&) = delete;
        Ticket& operator=(const Ticket&) = delete;
        ~Ticket() { release(); }
        void release();

    private:
        std::shared_ptr<ConnectionTracker> owner_;
    };

    static std::shared_ptr<ConnectionTracker> create(std::size_t limit);

    // A slot, or nullopt when `limit` connections are open already.
    std::optional<Ticket> try_acquire();
    std::size_t active() const { return active_.load(); }
    // Runs `callback` once, as soon as no connection is open (at once if none is).
    // It runs on the thread that closed the last connection: post from it.
    void when_idle(std::function<void()> callback);
    // Forgets a callback given to when_idle that has not run yet.
    void cancel_idle_callback();

private:
    explicit ConnectionTracker(std::size_t limit) : limit_(limit) {}
    void release_one();

    const std::size_t limit_;
    std::atomic<std::size_t> active_{0};
    std::mutex mutex_;
    std::function<void()> on_idle_;
};

}  // namespace certa::handshake
