// Certificate revocation (RFC 8555 §7.6): signed either by the account key
// (kid; the account must own the certificate) or by the certificate's own key
// (jwk). The reason is an RFC 5280 §5.3.1 CRLReason code.
#pragma once

#include "acme/protocol/AccountKey.hpp"
#include "acme/protocol/AcmeClient.hpp"

#include <optional>
#include <string>

namespace certa::acme {

// True for the codes a CA accepts (0-10 except 7, which RFC 5280 leaves unused).
bool valid_revocation_reason(int reason);

class Revoker {
public:
    explicit Revoker(AcmeClient& client) : client_(client) {}
    // `certificate_der`: the leaf, DER. Throws AcmeError / HttpError.
    void revoke_with_account_key(const std::string& certificate_der, std::optional<int> reason);
    void revoke_with_certificate_key(const std::string& certificate_der, const AccountKey& certificate_key,
                                     std::optional<int> reason);

private:
    AcmeClient& client_;
};

}  // namespace certa::acme
