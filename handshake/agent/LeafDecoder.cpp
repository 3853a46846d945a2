#include "handshake/agent/LeafDecoder.hpp"

#include <openssl/err.h>
#include <openssl/provider.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace certa::handshake {
namespace {

using LibCtxPtr = std::unique_ptr<OSSL_LIB_CTX, ossl::Deleter<OSSL_LIB_CTX, OSSL_LIB_CTX_free>>;
void unload_provider(OSSL_PROVIDER* provider) { (void)OSSL_PROVIDER_unload(provider); }
using ProviderPtr = std::unique_ptr<OSSL_PROVIDER, ossl::Deleter<OSSL_PROVIDER, unload_provider>>;

// A library context whose only provider is "null": nothing can be fetched from
// it, so a key decode attempted in it fails at once. (A context with no
// provider loaded at all would load "default" on its first fetch.)
struct ProviderlessContext {
    ProviderlessContext() : ctx(OSSL_LIB_CTX_new()), null_provider(ctx ? OSSL_PROVIDER_load(ctx.get(), "null") : nullptr) {}
    LibCtxPtr ctx;
    ProviderPtr null_provider;  // unloaded before ctx is freed (reverse member order)
};

OSSL_LIB_CTX* providerless() {
    static const ProviderlessContext instance;
    return instance.null_provider ? instance.ctx.get() : nullptr;
}

// Makes `ctx` this thread's default library context for the scope
// (OSSL_LIB_CTX_set0_default is per thread), so that the d2i calls below,
// which take no context, decode in it.
class DefaultContextScope {
public:
    explicit DefaultContextScope(OSSL_LIB_CTX* ctx) : previous_(OSSL_LIB_CTX_set0_default(ctx)) {}
    ~DefaultContextScope() {
        if (previous_) OSSL_LIB_CTX_set0_default(previous_);
    }
    DefaultContextScope(const DefaultContextScope&) = delete;
    DefaultContextScope& operator=(const DefaultContextScope&) = delete;
    bool active() const { return previous_ != nullptr; }

private:
    OSSL_LIB_CTX* previous_;
};

std::string spki_der(X509* cert) {
    unsigned char* out = nullptr;
    const int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &out);
    std::string der;
    if (len > 0) der.assign(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len));
    OPENSSL_free(out);
    return der;
}

bool encodes_to(X509* cert, std::string_view der) {
    unsigned char* out = nullptr;
    const int len = i2d_X509(cert, &out);
    const bool same = len > 0 && std::string_view(reinterpret_cast<const char*>(out), static_cast<std::size_t>(len)) == der;
    OPENSSL_free(out);
    return same;
}

// Errors raised inside (the public key decode that is meant to fail, and any
// refusal) are dropped: callers run this within a handshake, where a stale
// entry in the thread's error queue would confuse SSL_get_error().
class ErrorMark {
public:
    ErrorMark() { ERR_set_mark(); }
    ~ErrorMark() { ERR_pop_to_mark(); }
    ErrorMark(const ErrorMark&) = delete;
    ErrorMark& operator=(const ErrorMark&) = delete;
};

}  // namespace

ossl::X509Ptr decode_leaf_sharing_key(std::string_view der, EVP_PKEY* key) {
    const ErrorMark mark;
    OSSL_LIB_CTX* empty = providerless();
    if (!key || !empty) return nullptr;
    ossl::X509Ptr cert;
    std::string from_cert;
    {
        DefaultContextScope scope(empty);
        if (!scope.active()) return nullptr;
        const auto* p = reinterpret_cast<const unsigned char*>(der.data());
        cert.reset(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
        if (!cert || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) return nullptr;
        from_cert = spki_der(cert.get());
        // Encodes `key`'s public half into a fresh X509_PUBKEY (whose own decode
        // fails here, harmlessly) and makes `key` its EVP_PKEY, one more reference.
        if (from_cert.empty() || X509_set_pubkey(cert.get(), key) != 1) return nullptr;
    }
    // The certificate now claims `key`: only right if that is what it was signed over.
    // And it must still encode to exactly the stored bytes (the TBS cache intact).
    if (spki_der(cert.get()) != from_cert || X509_get0_pubkey(cert.get()) != key || !encodes_to(cert.get(), der))
        return nullptr;
    return cert;
}

}  // namespace certa::handshake
