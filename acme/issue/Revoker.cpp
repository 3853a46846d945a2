#include "acme/issue/Revoker.hpp"

#include "acme/protocol/Json.hpp"
#include "storage/base/Base64Url.hpp"

#include <stdexcept>

namespace certa::acme {
namespace {

std::string payload(const std::string& der, std::optional<int> reason) {
    if (reason && !valid_revocation_reason(*reason))
        throw std::invalid_argument("invalid revocation reason " + std::to_string(*reason) + " (0-10, not 7)");
    json::Value v = json::Value::object();
    v["certificate"] = json::string_value(base64url_encode(der));
    if (reason) v["reason"] = json::Value::number(*reason);
    return json::serialize(v);
}

}  // namespace

bool valid_revocation_reason(int reason) { return reason >= 0 && reason <= 10 && reason != 7; }

void Revoker::revoke_with_account_key(const std::string& certificate_der, std::optional<int> reason) {
    client_.post(client_.directory().revoke_cert, payload(certificate_der, reason));
}

void Revoker::revoke_with_certificate_key(const std::string& certificate_der, const AccountKey& certificate_key,
                                          std::optional<int> reason) {
    // RFC 8555 §7.6: "using the private key of the certificate" → jwk in the header.
    client_.post_jwk(client_.directory().revoke_cert, payload(certificate_der, reason), certificate_key);
}

}  // namespace certa::acme
