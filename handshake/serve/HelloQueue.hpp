// The connections still waiting for their ClientHello, across every io
// thread, oldest first. When the connection table is full, the daemon evicts
// the oldest of them so that a new connection is always admitted: a flood of
// stalled hellos then costs the flooder its oldest sockets, not the next
// client its connection (like nginx's reuse of the oldest keep-alive
// connections when worker_connections run out). Connections past their
// ClientHello (a handshake or a relay under way) are never evicted.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace certa::handshake {

class HelloQueue : public std::enable_shared_from_this<HelloQueue> {
public:
    // Ends the connection. Called on whichever thread evicts, outside the
    // queue's lock: it must only post to the connection's own thread.
    using Evict = std::function<void()>;

    // A connection's place in the queue; leaving (or destroying) it takes
    // the connection out.
    class Entry {
    public:
        Entry() = default;
        Entry(std::shared_ptr<HelloQueue> queue, std::uint64_t id) : queue_(std::move(queue)), id_(id) {}
        Entry(Entry&&) noexcept = default;
        Entry& operator=(Entry&& other) noexcept;
        Entry(const Entry&) = delete;
        Entry& operator=(const Entry&) = delete;
        ~Entry() { leave(); }
        void leave();

    private:
        std::shared_ptr<HelloQueue> queue_;
        std::uint64_t id_ = 0;
    };

    static std::shared_ptr<HelloQueue> create();

    Entry enqueue(Evict evict);
    // Takes the oldest waiting connection out and calls its Evict; false
    // when none waits.
    bool evict_oldest();
    std::size_t size() const;

private:
    HelloQueue() = default;
    void remove(std::uint64_t id);

    mutable std::mutex mutex_;
    std::map<std::uint64_t, Evict> waiting_;  // by arrival: ids only grow
    std::uint64_t next_id_ = 1;
};

}  // namespace certa::handshake
