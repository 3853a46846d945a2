// The parsed chain and private key of one certificate, as a handshake hands
// them to SSL_use_cert_and_key. Built from a row's PEM when the row is first
// needed (MaterialCache) and immutable afterwards: handshakes share it, and
// a caller's reference keeps it alive through an eviction.
//
// The leaf shares the private key's EVP_PKEY (LeafDecoder); intermediates are
// interned across certificates (ChainCertCache): most rows share an issuer.
#pragma once

#include "handshake/agent/ChainCertCache.hpp"
#include "handshake/agent/KeyAlgorithm.hpp"
#include "storage/base/OpenSsl.hpp"

#include <memory>
#include <string_view>
#include <vector>

namespace certa::handshake {

struct CertMaterial {
    ossl::X509Ptr leaf;
    ossl::PKeyPtr key;
    ossl::X509StackPtr chain;  // intermediates, null when none; X509s shared via ChainCertCache
    // Keeps the interned intermediates alive (the stack holds its own references).
    std::vector<ChainCertCache::CertRef> interned;
    // The chain to hand to SSL_use_cert_and_key: never null, because a null
    // chain makes OpenSSL build one from the context's store on every
    // handshake; certificates without intermediates share one empty stack.
    STACK_OF(X509) * chain_for_ssl() const;
};

// Parses a row's chain (leaf first) and key. nullptr when either does not
// parse or the key does not match the leaf (a broken row); the caller
// cleanses `key_pem`. `algorithm` narrows the key decoder (KeyDecoder).
std::shared_ptr<const CertMaterial> parse_cert_material(std::string_view chain_pem, std::string_view key_pem,
                                                        KeyAlgorithm algorithm);

}  // namespace certa::handshake
