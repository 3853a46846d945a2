// Interns the non-leaf (intermediate) certificates of the handshake index.
// Most store rows share one issuer; instead of every parsed certificate (CertMaterial) keeping its own
// parsed copy of the same intermediates, entries hold a shared reference to
// one X509 per distinct DER (keyed by its SHA-256). The cache itself only
// holds weak references, so an intermediate is freed once no entry uses it.
// Thread-safe; the lock is taken only when an entry is first parsed, never on
// the handshake path.
#pragma once

#include "storage/base/OpenSsl.hpp"

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace certa::handshake {

class ChainCertCache {
public:
    using CertRef = std::shared_ptr<X509>;

    // The process-wide cache used by parse_cert_material.
    static ChainCertCache& shared();

    // The interned certificate with the same DER as `cert` (which is then
    // dropped), or `cert` itself, now interned. Never null for a non-null
    // input; a certificate whose digest cannot be computed is returned
    // un-interned.
    CertRef intern(ossl::X509Ptr cert);
    // Distinct certificates currently alive in the cache.
    std::size_t size() const;

private:
    void sweep_locked();

    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::weak_ptr<X509>> by_digest_;
    std::size_t sweep_at_ = 64;
};

}  // namespace certa::handshake
