#include "handshake/agent/ChainCertCache.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>

namespace certa::handshake {
namespace {

// SHA-256 of the certificate's DER as a 32-byte key; empty on failure.
std::string der_digest(const X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(cert, EVP_sha256(), md, &len) != 1) {
        ERR_clear_error();
        return {};
    }
    return std::string(reinterpret_cast<const char*>(md), len);
}

ChainCertCache::CertRef adopt(ossl::X509Ptr cert) {
    return ChainCertCache::CertRef(cert.release(), ossl::Deleter<X509, X509_free>{});
}

}  // namespace

ChainCertCache& ChainCertCache::shared() {
    static ChainCertCache cache;
    return cache;
}

ChainCertCache::CertRef ChainCertCache::intern(ossl::X509Ptr cert) {
    if (!cert) return nullptr;
    std::string key = der_digest(cert.get());
    if (key.empty()) return adopt(std::move(cert));
    std::lock_guard lock(mutex_);
    auto& slot = by_digest_[key];
    if (auto existing = slot.lock()) return existing;  // `cert` is freed here
    CertRef fresh = adopt(std::move(cert));
    slot = fresh;
    if (by_digest_.size() >= sweep_at_) sweep_locked();
    return fresh;
}

std::size_t ChainCertCache::size() const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count_if(by_digest_.begin(), by_digest_.end(),
                                                  [](const auto& kv) { return !kv.second.expired(); }));
}

// Drops expired slots; amortized by doubling the threshold.
void ChainCertCache::sweep_locked() {
    std::erase_if(by_digest_, [](const auto& kv) { return kv.second.expired(); });
    sweep_at_ = std::max<std::size_t>(64, by_digest_.size() * 2);
}

}  // namespace certa::handshake
