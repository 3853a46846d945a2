#include "acme/protocol/ExternalAccountBinding.hpp"

#include "acme/protocol/Json.hpp"
#include "storage/base/Base64Url.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>

namespace certa::acme {

namespace {

inline void free_mac(EVP_MAC* m) { EVP_MAC_free(m); }
inline void free_mac_ctx(EVP_MAC_CTX* c) { EVP_MAC_CTX_free(c); }
using MacPtr = std::unique_ptr<EVP_MAC, ossl::Deleter<EVP_MAC, free_mac>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, ossl::Deleter<EVP_MAC_CTX, free_mac_ctx>>;

// Wipes the decoded HMAC key when it goes out of scope.
struct SecretBytes {
    std::string bytes;
    ~SecretBytes() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

std::string hmac_sha256(const std::string& key, const std::string& data) {
    MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac) throw KeyError("HMAC is unavailable");
    MacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
    if (!ctx) throw KeyError("cannot allocate HMAC context");
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) != 1 ||
        EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        throw KeyError("HMAC failed");
    unsigned char out[EVP_MAX_MD_SIZE];
    size_t len = 0;
    if (EVP_MAC_final(ctx.get(), out, &len, sizeof out) != 1) throw KeyError("HMAC failed");
    return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

std::string external_account_binding(const EabCredentials& eab, const AccountKey& account_key,
                                     const std::string& new_account_url) {
    if (eab.kid.empty()) throw KeyError("EAB key identifier is empty");
    auto decoded = base64url_decode(eab.hmac_key);
    if (!decoded || decoded->empty()) throw KeyError("EAB HMAC key is not valid base64url");
    SecretBytes key{std::move(*decoded)};

    json::Value header = json::Value::object();
    header[U("alg")] = json::string_value("HS256");
    header[U("kid")] = json::string_value(eab.kid);
    header[U("url")] = json::string_value(new_account_url);
    std::string protected64 = base64url_encode(json::serialize(header));
    std::string payload64 = base64url_encode(account_key.jwk_json());
    std::string mac = hmac_sha256(key.bytes, protected64 + "." + payload64);

    json::Value jws = json::Value::object();
    jws[U("protected")] = json::string_value(protected64);
    jws[U("payload")] = json::string_value(payload64);
    jws[U("signature")] = json::string_value(base64url_encode(mac));
    return json::serialize(jws);
}

}  // namespace certa::acme
