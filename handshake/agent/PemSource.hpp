// Where an entry of a big first index load gets its PEM text later: the
// load reads names and metadata only (fast at 100k certificates), and each
// entry fetches its own chain and key by row id when it is first parsed (by
// the background pre-parse, or the first handshake that needs it).
//
// Its own Store connection (opened on the agent's location), used under a
// mutex from any thread; the agent's main connection stays the watcher's.
#pragma once

#include "storage/Store.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace certa::handshake {

class PemSource {
public:
    // Opens the connection now (read-only if asked); throws
    // storage::StoreError when it cannot.
    explicit PemSource(const std::string& store_location, bool read_only = false);

    struct Pem {
        std::string chain;
        std::string key;  // secret: the caller cleanses it
    };
    // The row's PEM, or nullopt when the row is gone. Throws
    // storage::StoreError when the store cannot be read now (retry later).
    std::optional<Pem> fetch(std::int64_t id);

private:
    std::mutex mutex_;
    std::unique_ptr<storage::Store> store_;
};

}  // namespace certa::handshake
