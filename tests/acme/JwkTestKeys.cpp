#include "JwkTestKeys.hpp"

#include "acme/protocol/Json.hpp"
#include "storage/base/Base64Url.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>

namespace certa::test {

namespace {
inline void free_bld(OSSL_PARAM_BLD* b) { OSSL_PARAM_BLD_free(b); }
inline void free_params(OSSL_PARAM* p) { OSSL_PARAM_free(p); }
inline void free_sig(ECDSA_SIG* s) { ECDSA_SIG_free(s); }
using BldPtr = std::unique_ptr<OSSL_PARAM_BLD, ossl::Deleter<OSSL_PARAM_BLD, free_bld>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, ossl::Deleter<OSSL_PARAM, free_params>>;
using SigPtr = std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG, free_sig>>;

ossl::BignumPtr bn(const std::string& bytes) {
    return ossl::BignumPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
}

ossl::PKeyPtr from_params(const char* type, OSSL_PARAM* params) {
    ossl::PKeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* key = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        return nullptr;
    return ossl::PKeyPtr(key);
}
}  // namespace

ossl::PKeyPtr public_key_from_jwk(const std::string& jwk_json) {
    auto jwk = acme::json::parse_object(jwk_json);
    std::string kty = acme::json::required_string(jwk, "kty");
    BldPtr bld(OSSL_PARAM_BLD_new());
    if (kty == "RSA") {
        auto n = bn(base64url_decode(acme::json::required_string(jwk, "n")).value_or(""));
        auto e = bn(base64url_decode(acme::json::required_string(jwk, "e")).value_or(""));
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get());
        ParamsPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
        return from_params("RSA", params.get());
    }
    if (kty == "EC") {
        std::string crv = acme::json::required_string(jwk, "crv");
        std::string point = "\x04" + base64url_decode(acme::json::required_string(jwk, "x")).value_or("") +
                            base64url_decode(acme::json::required_string(jwk, "y")).value_or("");
        std::string group = crv == "P-384" ? "P-384" : "P-256";
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.c_str(), 0);
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
        ParamsPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
        return from_params("EC", params.get());
    }
    return nullptr;
}

bool verify_jws_signature(EVP_PKEY* key, const std::string& alg, const std::string& input, const std::string& signature) {
    std::string der = signature;
    if (alg == "ES256" || alg == "ES384") {
        size_t half = alg == "ES256" ? 32 : 48;
        if (signature.size() != 2 * half) return false;
        SigPtr sig(ECDSA_SIG_new());
        auto r = bn(signature.substr(0, half));
        auto s = bn(signature.substr(half));
        if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return false;
        static_cast<void>(r.release());
        static_cast<void>(s.release());
        unsigned char* out = nullptr;
        int len = i2d_ECDSA_SIG(sig.get(), &out);
        if (len <= 0) return false;
        der.assign(reinterpret_cast<char*>(out), static_cast<size_t>(len));
        OPENSSL_free(out);
    }
    const EVP_MD* md = alg == "ES384" ? EVP_sha384() : EVP_sha256();
    ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1) return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                            reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

}  // namespace certa::test
