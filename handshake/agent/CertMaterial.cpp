#include "handshake/agent/CertMaterial.hpp"

#include "handshake/agent/KeyDecoder.hpp"
#include "handshake/agent/LeafDecoder.hpp"
#include "handshake/agent/PemDer.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>

#include <new>
#include <string>
#include <utility>

namespace certa::handshake {
namespace {

// The PEM chain's certificates: base64 + d2i_X509 per block (PemDer), or
// OpenSSL's PEM reader when a block does not decode that way. The leaf is
// decoded to share `key` as its public key when it can (LeafDecoder).
std::vector<ossl::X509Ptr> decode_chain(std::string_view pem, EVP_PKEY* key) {
    std::vector<ossl::X509Ptr> out;
    std::string der;
    for (std::size_t pos = 0; next_pem_block(pem, "CERTIFICATE", pos, der);) {
        if (out.empty() && key) {
            if (auto leaf = decode_leaf_sharing_key(der, key)) {
                out.push_back(std::move(leaf));
                continue;
            }
        }
        const auto* p = reinterpret_cast<const unsigned char*>(der.data());
        ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
        if (!cert || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
            ERR_clear_error();
            return ossl::parse_chain_pem(pem);
        }
        out.push_back(std::move(cert));
    }
    if (out.empty()) return ossl::parse_chain_pem(pem);
    return out;
}

KeyFamily family_of(KeyAlgorithm algorithm) {
    switch (algorithm) {
        case KeyAlgorithm::EcdsaP256:
        case KeyAlgorithm::EcdsaP384:
        case KeyAlgorithm::EcdsaOther: return KeyFamily::Ec;
        case KeyAlgorithm::Rsa: return KeyFamily::Rsa;
        case KeyAlgorithm::Other: break;
    }
    return KeyFamily::Any;
}

}  // namespace

STACK_OF(X509) * CertMaterial::chain_for_ssl() const {
    // Read-only once built (OpenSSL duplicates it), so one instance serves every thread.
    static const ossl::X509StackPtr empty(sk_X509_new_null());
    return chain ? chain.get() : empty.get();
}

std::shared_ptr<const CertMaterial> parse_cert_material(std::string_view chain_pem, std::string_view key_pem,
                                                        KeyAlgorithm algorithm) {
    auto key = decode_private_key(key_pem, family_of(algorithm));
    auto chain = decode_chain(chain_pem, key.get());
    if (chain.empty() || !key || !ossl::key_matches(chain.front().get(), key.get())) {
        ERR_clear_error();
        return nullptr;
    }
    auto m = std::make_shared<CertMaterial>();
    if (chain.size() > 1) {
        m->chain.reset(sk_X509_new_null());
        if (!m->chain) throw std::bad_alloc();
    }
    // Intermediates: one shared X509 per distinct DER across all certificates;
    // the stack takes its own reference (freed by X509StackPtr's pop_free).
    m->interned.reserve(chain.size() - 1);
    for (std::size_t i = 1; i < chain.size(); ++i) {
        auto shared = ChainCertCache::shared().intern(std::move(chain[i]));
        if (!shared || X509_up_ref(shared.get()) != 1) throw std::bad_alloc();
        ossl::X509Ptr ref(shared.get());  // the stack's own reference
        if (!sk_X509_push(m->chain.get(), ref.get())) throw std::bad_alloc();
        (void)ref.release();  // now owned by the stack
        m->interned.push_back(std::move(shared));
    }
    m->leaf = std::move(chain.front());
    m->key = std::move(key);
    return m;
}

}  // namespace certa::handshake
