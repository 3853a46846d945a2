// RFC 8555 §7.1.1 directory object.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certa::acme {

struct Directory {
    std::string url;              // where it was fetched from
    std::string new_nonce;
    std::string new_account;
    std::string new_order;
    std::string new_authz;        // optional pre-authorization ("" when absent)
    std::string revoke_cert;
    std::string key_change;
    std::optional<std::string> renewal_info;  // RFC 9773 ARI
    // meta
    std::string terms_of_service;
    std::string website;
    std::vector<std::string> caa_identities;
    bool external_account_required = false;
    std::map<std::string, std::string> profiles;  // draft-ietf-acme-profiles: name → description
};

// Parses the directory JSON. Throws json::JsonError when malformed or when
// newNonce, newAccount or newOrder is missing.
Directory parse_directory(std::string_view json_text, const std::string& url);

}  // namespace certa::acme
