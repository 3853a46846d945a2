// One ACME order from newOrder to the downloaded chain (RFC 8555 §7.4):
// newOrder (identifiers, optional profile and RFC 9773 §5 "replaces"),
// authorizations (AuthorizationSolver), finalize with a CSR, poll the order,
// download the chain, and pick an alternate chain by --preferred-chain.
// Thread-safe: holds no per-order state, so workers may share one instance.
#pragma once

#include "acme/challenge/ChallengeSolver.hpp"
#include "acme/issue/ProfileCheck.hpp"
#include "acme/protocol/AcmeClient.hpp"
#include "acme/request/Identifier.hpp"

#include <openssl/evp.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace certa::acme {

struct OrderRequest {
    std::vector<Identifier> identifiers;
    std::string profile;          // draft-ietf-acme-profiles; "" = CA default
    std::string replaces;         // RFC 9773 §5: ARI certID of the certificate being replaced
    std::string preferred_chain;  // issuer CN of the top certificate; "" = the CA's default chain
    EVP_PKEY* certificate_key = nullptr;  // the CSR is signed with it
    std::chrono::seconds timeout{300};    // the whole order
};

struct OrderResult {
    std::string order_url;
    std::string certificate_url;
    std::string chain_pem;  // leaf first
};

// The newOrder payload (RFC 8555 §7.4): identifiers with their type ("dns" or
// "ip", RFC 8738), plus "profile" and RFC 9773 §5 "replaces" when set.
std::string new_order_payload(const OrderRequest& request);

class OrderService {
public:
    OrderService(AcmeClient& client, ChallengeSolver& solver) : client_(client), solver_(solver) {}
    // Throws AcmeError (the CA's problem), HttpError (transport), OrderError,
    // json::JsonError (a malformed answer) or std::runtime_error (a solver failed).
    OrderResult run(const OrderRequest& request);

private:
    AcmeClient& client_;
    ChallengeSolver& solver_;
};

}  // namespace certa::acme
