#include "acme/protocol/Directory.hpp"

#include "acme/protocol/Json.hpp"

namespace certa::acme {

Directory parse_directory(std::string_view json_text, const std::string& url) {
    json::Value v = json::parse_object(json_text);
    Directory d;
    d.url = url;
    d.new_nonce = json::required_string(v, "newNonce");
    d.new_account = json::required_string(v, "newAccount");
    d.new_order = json::required_string(v, "newOrder");
    d.new_authz = json::string_field(v, "newAuthz").value_or("");
    d.revoke_cert = json::string_field(v, "revokeCert").value_or("");
    d.key_change = json::string_field(v, "keyChange").value_or("");
    d.renewal_info = json::string_field(v, "renewalInfo");
    if (const json::Value* meta = json::find(v, "meta"); meta && meta->is_object()) {
        d.terms_of_service = json::string_field(*meta, "termsOfService").value_or("");
        d.website = json::string_field(*meta, "website").value_or("");
        d.caa_identities = json::string_array_field(*meta, "caaIdentities");
        d.external_account_required = json::bool_field(*meta, "externalAccountRequired").value_or(false);
        if (const json::Value* profiles = json::find(*meta, "profiles"); profiles && profiles->is_object()) {
            for (const auto& [name, description] : profiles->as_object())
                d.profiles[name] = description.is_string() ? description.as_string() : std::string();
        }
    }
    return d;
}

}  // namespace certa::acme
