// The agent's loader threads (AgentOptions::pause_on_miss, loader_threads):
// they run the cache's loads for handshakes that paused on a miss
// (SSL_CLIENT_HELLO_RETRY), so that a slow store read (PostgreSQL behind a
// lock, a failover) never blocks a handshake's thread. A bounded queue: when
// it is full, submit() says so and the caller loads on its own thread.
// stop() (also the destructor) joins the threads; jobs still queued are
// dropped unrun (they hold no reference to the agent that is going away).
// close() first lets the owner interrupt a running job's store read before
// it joins (AgentImpl's destructor).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace certa::handshake {

class LoaderPool {
public:
    LoaderPool(std::size_t threads, std::size_t max_queued);
    ~LoaderPool();
    LoaderPool(const LoaderPool&) = delete;
    LoaderPool& operator=(const LoaderPool&) = delete;

    // Queues `job` for a loader thread; false when the queue is full or the
    // pool stopped (the job is dropped unrun then).
    bool submit(std::function<void()> job);
    // Takes no more jobs and starts none of those queued; returns at once
    // (a running job goes on). Idempotent.
    void close();
    // close(), then joins the threads (a running job finishes first) and drops queued jobs. Idempotent.
    void stop();

private:
    void run();

    const std::size_t max_queued_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> queue_;  // guarded by mutex_
    bool stopping_ = false;                    // guarded by mutex_
    std::vector<std::thread> threads_;
};

}  // namespace certa::handshake
