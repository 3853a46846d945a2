#include "handshake/KeyDecoder.hpp"

#include <openssl/decoder.h>
#include <openssl/err.h>

#include <memory>

namespace certa::handshake {
namespace {

using DecoderCtxPtr = std::unique_ptr<OSSL_DECODER_CTX, ossl::Deleter<OSSL_DECODER_CTX, OSSL_DECODER_CTX_free>>;

// A decoder context bound to `target`: each decode stores its key there.
struct ThreadDecoder {
    EVP_PKEY* target = nullptr;
    DecoderCtxPtr ctx{OSSL_DECODER_CTX_new_for_pkey(&target, "PEM", "PrivateKeyInfo", nullptr,
                                                    OSSL_KEYMGMT_SELECT_KEYPAIR, nullptr, nullptr)};
};

}  // namespace

ossl::PKeyPtr decode_private_key(std::string_view pem) {
    thread_local ThreadDecoder decoder;
    if (decoder.ctx && pem.find("-----BEGIN PRIVATE KEY-----") != std::string_view::npos) {
        decoder.target = nullptr;
        const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
        std::size_t len = pem.size();
        if (OSSL_DECODER_from_data(decoder.ctx.get(), &data, &len) == 1 && decoder.target) {
            ossl::PKeyPtr key(decoder.target);
            decoder.target = nullptr;
            return key;
        }
        ERR_clear_error();
    }
    return ossl::parse_key_pem(pem);
}

}  // namespace certa::handshake
