#include "acme/protocol/NoncePool.hpp"

#include <algorithm>
#include <cctype>

namespace certa::acme {

std::optional<std::string> NoncePool::take() {
    std::lock_guard lock(mutex_);
    if (nonces_.empty()) return std::nullopt;
    std::string n = std::move(nonces_.back());
    nonces_.pop_back();
    return n;
}

void NoncePool::add(const std::string& nonce) {
    // RFC 8555 §6.5.1: the value is base64url (no padding).
    if (nonce.empty() || nonce.size() > 512) return;
    bool ok = std::all_of(nonce.begin(), nonce.end(),
                          [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
    if (!ok) return;
    std::lock_guard lock(mutex_);
    nonces_.push_back(nonce);
    while (nonces_.size() > capacity_) nonces_.pop_front();
}

std::size_t NoncePool::size() const {
    std::lock_guard lock(mutex_);
    return nonces_.size();
}

void NoncePool::clear() {
    std::lock_guard lock(mutex_);
    nonces_.clear();
}

}  // namespace certa::acme
