#include "acme/import/JwkPrivateKey.hpp"

#include "acme/import/ImportError.hpp"
#include "acme/import/KeySizeLimit.hpp"
#include "acme/protocol/Json.hpp"
#include "storage/base/Base64Url.hpp"
#include "storage/names/NameNormalizer.hpp"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <array>
#include <memory>
#include <string>

namespace certa::acme {

namespace {

using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, ossl::Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, ossl::Deleter<OSSL_PARAM, OSSL_PARAM_free>>;

[[noreturn]] void bad(const std::string& why) { throw ImportError("account key (JWK): " + why); }

// A type or curve name from the file, as a message may show it: short, one line.
std::string shown(const std::string& value) { return storage::printable_name(value.substr(0, 32)); }

// The base64url member `name`, decoded; `size` > 0 requires exactly that many bytes.
std::string member(const json::Value& jwk, const char* name, std::size_t size = 0) {
    std::optional<std::string> text;
    try {
        text = json::string_field(jwk, name);
    } catch (const json::JsonError&) {
        bad(std::string("member '") + name + "' is not a string");
    }
    if (!text) bad(std::string("member '") + name + "' is missing");
    auto bytes = base64url_decode(*text);
    if (!bytes || bytes->empty()) bad(std::string("member '") + name + "' is not base64url");
    if (size != 0 && bytes->size() != size) bad(std::string("member '") + name + "' has the wrong length for its curve");
    return *bytes;
}

ossl::BignumPtr bignum(const std::string& bytes) {
    ossl::BignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
    if (!bn) bad("cannot allocate a number");
    return bn;
}

ossl::PKeyPtr from_params(const char* type, OSSL_PARAM_BLD* bld) {
    ParamsPtr params(OSSL_PARAM_BLD_to_param(bld));
    ossl::PKeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1) {
        ossl::last_error();  // drop OpenSSL's queue: it is not shown
        bad("its members do not form a valid key");
    }
    return ossl::PKeyPtr(raw);
}

ossl::PKeyPtr ec_key(const json::Value& jwk) {
    const auto crv = json::string_field(jwk, "crv").value_or("");
    std::size_t size = 0;
    const char* group = nullptr;
    if (crv == "P-256") size = 32, group = "P-256";
    else if (crv == "P-384") size = 48, group = "P-384";
    else bad("curve '" + shown(crv) + "' is not supported (P-256, P-384)");
    const std::string point = std::string(1, '\x04') + member(jwk, "x", size) + member(jwk, "y", size);
    const auto d = bignum(member(jwk, "d", size));
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1)
        bad("cannot build the key");
    return from_params("EC", bld.get());
}

ossl::PKeyPtr rsa_key(const json::Value& jwk) {
    // RFC 7518 §6.3.2: the CRT members come all together or not at all.
    constexpr std::array crt{"p", "q", "dp", "dq", "qi"};
    constexpr std::array params{OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
                                OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
    std::size_t present = 0;
    for (const char* m : crt) present += json::find(jwk, m) != nullptr;
    if (present != 0 && present != crt.size()) bad("has some but not all of p, q, dp, dq, qi");
    std::vector<ossl::BignumPtr> numbers;
    numbers.push_back(bignum(member(jwk, "n")));
    numbers.push_back(bignum(member(jwk, "e")));
    numbers.push_back(bignum(member(jwk, "d")));
    if (present)
        for (const char* m : crt) numbers.push_back(bignum(member(jwk, m)));
    // Before any operation on the key: a huge modulus makes each one take minutes.
    for (const auto& n : numbers)
        if (BN_num_bits(n.get()) > kMaxImportRsaBits)
            bad("an RSA key over " + std::to_string(kMaxImportRsaBits) + " bits; certa imports at most " +
                std::to_string(kMaxImportRsaBits));
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld) bad("cannot build the key");
    const std::array<const char*, 3> main{OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D};
    for (std::size_t i = 0; i < numbers.size(); ++i)
        if (OSSL_PARAM_BLD_push_BN(bld.get(), i < 3 ? main[i] : params[i - 3], numbers[i].get()) != 1)
            bad("cannot build the key");
    return from_params("RSA", bld.get());
}

// Signs with the private half and verifies with the public half.
bool halves_match(EVP_PKEY* key) {
    static constexpr unsigned char message[] = "certa import: account key check";
    ossl::MdCtxPtr sign(EVP_MD_CTX_new()), verify(EVP_MD_CTX_new());
    std::size_t len = 0;
    if (!sign || EVP_DigestSignInit(sign.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestSign(sign.get(), nullptr, &len, message, sizeof message) != 1)
        return false;
    std::string signature(len, '\0');
    auto* sig = reinterpret_cast<unsigned char*>(signature.data());
    if (EVP_DigestSign(sign.get(), sig, &len, message, sizeof message) != 1) return false;
    return verify && EVP_DigestVerifyInit(verify.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
           EVP_DigestVerify(verify.get(), sig, len, message, sizeof message) == 1;
}

}  // namespace

ossl::PKeyPtr jwk_private_key(std::string_view jwk_json) {
    json::Value jwk;
    try {
        jwk = json::parse_object(jwk_json, 64 * 1024);
    } catch (const json::JsonError&) {
        bad("not a JSON object");  // the parser's message could quote the text: not shown
    }
    std::string kty;
    try {
        kty = json::string_field(jwk, "kty").value_or("");
    } catch (const json::JsonError&) {
        bad("member 'kty' is not a string");
    }
    ossl::PKeyPtr key;
    if (kty == "EC") key = ec_key(jwk);
    else if (kty == "RSA") key = rsa_key(jwk);
    else bad(kty.empty() ? "member 'kty' is missing" : "key type '" + shown(kty) + "' is not supported (EC, RSA)");
    if (!halves_match(key.get())) {
        ossl::last_error();
        bad("its private and public members do not belong together");
    }
    return key;
}

}  // namespace certa::acme
