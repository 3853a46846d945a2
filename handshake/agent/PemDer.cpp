#include "handshake/agent/PemDer.hpp"

#include "storage/base/OpenSsl.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>

namespace certa::handshake {
namespace {

using EncodeCtxPtr = std::unique_ptr<EVP_ENCODE_CTX, ossl::Deleter<EVP_ENCODE_CTX, EVP_ENCODE_CTX_free>>;

void wipe(std::string& s) {
    if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
    s.clear();
}

}  // namespace

bool next_pem_block(std::string_view pem, std::string_view label, std::size_t& pos, std::string& der) {
    der.clear();
    const std::string begin = "-----BEGIN " + std::string(label) + "-----";
    const std::string end = "-----END " + std::string(label) + "-----";
    const std::size_t b = pem.find(begin, pos);
    if (b == std::string_view::npos) return false;
    const std::size_t body = b + begin.size();
    const std::size_t e = pem.find(end, body);
    if (e == std::string_view::npos) return false;
    pos = e + end.size();

    EncodeCtxPtr ctx(EVP_ENCODE_CTX_new());
    if (!ctx) return false;
    EVP_DecodeInit(ctx.get());
    const std::size_t len = e - body;
    if (len > 1 << 20) return false;  // no sane certificate or key is this large
    // EVP_DecodeUpdate writes at most 3 bytes per 4 input characters (+ one block).
    der.resize(len / 4 * 3 + 80);
    int out = 0, tail = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(pem.data() + body);
    auto* dst = reinterpret_cast<unsigned char*>(der.data());
    // EVP_DecodeUpdate skips whitespace; "-1" means a non-base64 character.
    if (EVP_DecodeUpdate(ctx.get(), dst, &out, in, static_cast<int>(len)) < 0 ||
        EVP_DecodeFinal(ctx.get(), dst + out, &tail) != 1 || out + tail <= 0) {
        wipe(der);
        return false;
    }
    der.resize(static_cast<std::size_t>(out + tail));
    return true;
}

}  // namespace certa::handshake
