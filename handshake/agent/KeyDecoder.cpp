#include "handshake/agent/KeyDecoder.hpp"

#include "handshake/agent/PemDer.hpp"

#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>

#include <array>
#include <memory>
#include <string>

namespace certa::handshake {
namespace {

using DecoderCtxPtr = std::unique_ptr<OSSL_DECODER_CTX, ossl::Deleter<OSSL_DECODER_CTX, OSSL_DECODER_CTX_free>>;

// A DER PrivateKeyInfo decoder context bound to `target`: each decode stores its key there.
struct ThreadDecoder {
    explicit ThreadDecoder(const char* keytype)
        : ctx(OSSL_DECODER_CTX_new_for_pkey(&target, "DER", "PrivateKeyInfo", keytype,
                                            OSSL_KEYMGMT_SELECT_KEYPAIR, nullptr, nullptr)) {}
    EVP_PKEY* target = nullptr;
    DecoderCtxPtr ctx;
};

ThreadDecoder& decoder_for(KeyFamily family) {
    thread_local ThreadDecoder ec("EC"), rsa("RSA"), any(nullptr);
    switch (family) {
        case KeyFamily::Ec: return ec;
        case KeyFamily::Rsa: return rsa;
        case KeyFamily::Any: break;
    }
    return any;
}

// Wipes the key's DER whatever way the decode ends.
struct SecretDer {
    std::string bytes;
    ~SecretDer() {
        if (!bytes.empty()) OPENSSL_cleanse(bytes.data(), bytes.size());
    }
};

ossl::PKeyPtr decode_der(ThreadDecoder& decoder, const std::string& der) {
    if (!decoder.ctx) return nullptr;
    decoder.target = nullptr;
    const auto* data = reinterpret_cast<const unsigned char*>(der.data());
    std::size_t len = der.size();
    const bool ok = OSSL_DECODER_from_data(decoder.ctx.get(), &data, &len) == 1;
    ossl::PKeyPtr key(decoder.target);  // owned even on failure
    decoder.target = nullptr;
    if (!ok || len != 0) {  // trailing bytes: not one clean PrivateKeyInfo
        ERR_clear_error();
        return nullptr;
    }
    return key;
}

}  // namespace

ossl::PKeyPtr decode_private_key(std::string_view pem, KeyFamily family) {
    SecretDer der;
    std::size_t pos = 0;
    if (next_pem_block(pem, "PRIVATE KEY", pos, der.bytes)) {
        if (auto key = decode_der(decoder_for(family), der.bytes)) return key;
        if (family != KeyFamily::Any)
            if (auto key = decode_der(decoder_for(KeyFamily::Any), der.bytes)) return key;
    }
    return ossl::parse_key_pem(pem);
}

}  // namespace certa::handshake
