// The ACME account key pair: ES256 (P-256, default), ES384 (P-384) or RS256
// (RSA 2048). The private key is a secret: it never reaches a log or an error.
#pragma once

#include "storage/base/OpenSsl.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace certa::acme {

enum class KeyAlg { ES256, ES384, RS256 };
const char* to_string(KeyAlg alg);
// "ES256"/"es256", "ES384", "RS256"; nullopt for anything else.
std::optional<KeyAlg> key_alg_from(std::string_view text);

// Key generation/parsing/signing failures (messages carry no key material).
class KeyError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// RFC 7638 §3.2 canonical JWK of the public half of `key` (EC P-256/P-384 or
// RSA): required members only, lexicographic order, no whitespace.
// Works for public-only keys too. Throws KeyError for other key types.
std::string public_jwk_json(EVP_PKEY* key);
// RFC 7638 §3: base64url(SHA-256(canonical JWK)).
std::string jwk_thumbprint(std::string_view canonical_jwk_json);

class AccountKey {
public:
    static AccountKey generate(KeyAlg alg = KeyAlg::ES256);
    // Accepts PKCS#8 or traditional PEM; the algorithm follows from the key
    // (P-256 → ES256, P-384 → ES384, RSA ≥ 2048 → RS256). Throws KeyError.
    static AccountKey from_pem(std::string_view pem);

    AccountKey(AccountKey&&) noexcept = default;
    AccountKey& operator=(AccountKey&&) noexcept = default;

    KeyAlg alg() const noexcept { return alg_; }
    const char* alg_name() const noexcept { return to_string(alg_); }
    std::string to_pem() const;  // secret (PKCS#8)

    // RFC 7638 §3.2: the required public members only, in lexicographic order,
    // no whitespace. ("crv","kty","x","y" for EC; "e","kty","n" for RSA.)
    std::string jwk_json() const;
    // RFC 7638: base64url(SHA-256(jwk_json())).
    std::string thumbprint() const;
    // JWS signature over `signing_input` (RFC 7518 §3.3/§3.4): RSASSA-PKCS1-v1_5
    // SHA-256, or ECDSA with the raw R||S form (each coordinate-size bytes).
    std::string sign(std::string_view signing_input) const;

    EVP_PKEY* pkey() const noexcept { return key_.get(); }

private:
    AccountKey(ossl::PKeyPtr key, KeyAlg alg) : key_(std::move(key)), alg_(alg) {}
    ossl::PKeyPtr key_;
    KeyAlg alg_;
};

}  // namespace certa::acme
