// Where the MaterialCache reads a certificate's PEM on a miss: one indexed
// read by row id (Store::get_certificate), and its OCSP row (Store::get_ocsp_response). The index load reads names and
// metadata only, so no PEM is held in memory outside the parsed cache.
//
// A small pool of Store connections of its own (opened on the agent's
// location, read-only when the agent is), so that misses for different ids
// read in parallel and the agent's main connection stays the watcher's. A
// connection is opened on first need; at most `max_connections` at once, and
// a miss waits for one only while that many reads are under way.
#pragma once

#include "storage/Store.hpp"

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace certa::handshake {

class PemSource {
public:
    // Opens the first connection now (read-only if asked), so that a store
    // that cannot be opened again is known at once; throws storage::StoreError then.
    explicit PemSource(const std::string& store_location, bool read_only = false, std::size_t max_connections = 4);

    struct Pem {
        std::string chain;
        std::string key;  // secret: the caller cleanses it
        std::optional<storage::OcspStaple> ocsp;  // the stored OCSP row, if any (stapling)
    };
    // The row's PEM, or nullopt when the row is gone. Throws
    // storage::StoreError when the store cannot be read now (retry later).
    std::optional<Pem> fetch(std::int64_t id);
    // From any thread: the reads under way now fail soon (Store::interrupt:
    // e.g. one waiting on a PostgreSQL lock), and every later fetch throws
    // at once. For the agent's shutdown, so that it need not wait out a lock.
    void interrupt();

private:
    std::unique_ptr<storage::Store> open() const;

    const std::string location_;
    const bool read_only_;
    const std::size_t max_connections_;
    std::mutex mutex_;
    std::condition_variable idle_cv_;
    std::vector<std::unique_ptr<storage::Store>> idle_;
    std::size_t open_ = 0;  // connections in idle_ or in use
    std::vector<storage::Store*> busy_;  // under mutex_: connections inside a read now
    bool interrupted_ = false;           // under mutex_
};

}  // namespace certa::handshake
