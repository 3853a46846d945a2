// Replay-Nonce values (RFC 8555 §6.5) collected from every response, shared by
// all threads of one AcmeClient. Each nonce is handed out at most once.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace certa::acme {

class NoncePool {
public:
    explicit NoncePool(std::size_t capacity = 64) : capacity_(capacity) {}
    // A nonce from the pool (newest first; older ones are more likely stale),
    // or nullopt when empty.
    std::optional<std::string> take();
    // Adds a nonce; ignores an empty or syntactically invalid one (RFC 8555
    // §6.5.1: base64url characters only). Drops the oldest beyond capacity.
    void add(const std::string& nonce);
    std::size_t size() const;
    void clear();

private:
    mutable std::mutex mutex_;
    std::deque<std::string> nonces_;
    std::size_t capacity_;
};

}  // namespace certa::acme
