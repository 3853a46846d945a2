#include "acme/protocol/AccountKey.hpp"

#include "storage/KeyGeneration.hpp"
#include "storage/KeyType.hpp"
#include "storage/base/Base64Url.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>

#include <algorithm>
#include <cctype>

namespace certa::acme {

namespace {

inline void free_ecdsa_sig(ECDSA_SIG* s) { ECDSA_SIG_free(s); }
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG, free_ecdsa_sig>>;

// Size in bytes of one EC coordinate / one half of the raw signature.
std::size_t coordinate_size(KeyAlg alg) { return alg == KeyAlg::ES384 ? 48 : 32; }

const EVP_MD* digest_for(KeyAlg alg) { return alg == KeyAlg::ES384 ? EVP_sha384() : EVP_sha256(); }

std::string bn_param(EVP_PKEY* key, const char* name, std::size_t pad) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1 || !raw) throw KeyError("cannot read public key parameter");
    ossl::BignumPtr bn(raw);
    std::size_t len = pad ? pad : static_cast<std::size_t>(BN_num_bytes(bn.get()));
    std::string out(len, '\0');
    int written = pad ? BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(len))
                      : BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(out.data()));
    if (written < 0) throw KeyError("cannot encode public key parameter");
    return out;
}

std::string der_to_raw(const std::string& der, std::size_t half) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig) throw KeyError("cannot decode ECDSA signature");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::string out(2 * half, '\0');
    auto* buf = reinterpret_cast<unsigned char*>(out.data());
    if (BN_bn2binpad(r, buf, static_cast<int>(half)) < 0 || BN_bn2binpad(s, buf + half, static_cast<int>(half)) < 0)
        throw KeyError("cannot encode ECDSA signature");
    return out;
}

// The JWS algorithm a key pair implies, or nullopt for unsupported keys.
std::optional<KeyAlg> alg_of(EVP_PKEY* key) {
    int id = EVP_PKEY_get_base_id(key);
    if (id == EVP_PKEY_RSA) return KeyAlg::RS256;
    if (id != EVP_PKEY_EC) return std::nullopt;
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
        return std::nullopt;
    std::string g(group, len);
    if (g == "prime256v1" || g == "P-256") return KeyAlg::ES256;
    if (g == "secp384r1" || g == "P-384") return KeyAlg::ES384;
    return std::nullopt;
}

}  // namespace

std::string public_jwk_json(EVP_PKEY* key) {
    // base64url output needs no JSON escaping.
    auto alg = alg_of(key);
    if (!alg) throw KeyError("unsupported key type for a JWK");
    if (*alg == KeyAlg::RS256) {
        std::string e = base64url_encode(bn_param(key, OSSL_PKEY_PARAM_RSA_E, 0));
        std::string n = base64url_encode(bn_param(key, OSSL_PKEY_PARAM_RSA_N, 0));
        return R"({"e":")" + e + R"(","kty":"RSA","n":")" + n + R"("})";
    }
    std::size_t size = coordinate_size(*alg);
    std::string x = base64url_encode(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, size));
    std::string y = base64url_encode(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, size));
    const char* crv = *alg == KeyAlg::ES384 ? "P-384" : "P-256";
    return std::string(R"({"crv":")") + crv + R"(","kty":"EC","x":")" + x + R"(","y":")" + y + R"("})";
}

std::string jwk_thumbprint(std::string_view canonical_jwk_json) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(canonical_jwk_json.data(), canonical_jwk_json.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw KeyError("SHA-256 failed");
    return base64url_encode(std::string_view(reinterpret_cast<const char*>(md), len));
}

const char* to_string(KeyAlg alg) {
    switch (alg) {
        case KeyAlg::ES256: return "ES256";
        case KeyAlg::ES384: return "ES384";
        case KeyAlg::RS256: return "RS256";
    }
    return "ES256";
}

std::optional<KeyAlg> key_alg_from(std::string_view text) {
    std::string up(text);
    std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (up == "ES256") return KeyAlg::ES256;
    if (up == "ES384") return KeyAlg::ES384;
    if (up == "RS256") return KeyAlg::RS256;
    return std::nullopt;
}

AccountKey AccountKey::generate(KeyAlg alg) {
    const std::string_view type = alg == KeyAlg::ES256   ? storage::kEc256
                                  : alg == KeyAlg::ES384 ? storage::kEc384
                                                         : storage::kRsa2048;
    try {
        return AccountKey(storage::generate_key(type), alg);
    } catch (const std::exception& e) {
        throw KeyError(std::string("cannot generate account key: ") + e.what());
    }
}

AccountKey AccountKey::from_pem(std::string_view pem) {
    ossl::PKeyPtr key = ossl::parse_key_pem(pem);
    if (!key) throw KeyError("account key is not a valid PEM private key");
    auto alg = alg_of(key.get());
    if (!alg) throw KeyError("account key must be EC P-256, EC P-384 or RSA");
    if (*alg == KeyAlg::RS256 && EVP_PKEY_get_bits(key.get()) < 2048)
        throw KeyError("RSA account key shorter than 2048 bits");
    return AccountKey(std::move(key), *alg);
}

std::string AccountKey::to_pem() const { return ossl::to_pem(key_.get()); }

std::string AccountKey::jwk_json() const { return public_jwk_json(key_.get()); }

std::string AccountKey::thumbprint() const { return jwk_thumbprint(jwk_json()); }

std::string AccountKey::sign(std::string_view signing_input) const {
    ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx) throw KeyError("cannot allocate signing context");
    if (EVP_DigestSignInit(ctx.get(), nullptr, digest_for(alg_), nullptr, key_.get()) != 1)
        throw KeyError("cannot initialise signature");
    const auto* in = reinterpret_cast<const unsigned char*>(signing_input.data());
    size_t len = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &len, in, signing_input.size()) != 1) throw KeyError("signing failed");
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, signing_input.size()) != 1)
        throw KeyError("signing failed");
    sig.resize(len);
    // RFC 7518 §3.4: ECDSA signatures are R||S, not DER.
    if (alg_ != KeyAlg::RS256) return der_to_raw(sig, coordinate_size(alg_));
    return sig;
}

}  // namespace certa::acme
