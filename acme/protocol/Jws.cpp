#include "acme/protocol/Jws.hpp"

#include "acme/protocol/Json.hpp"
#include "storage/base/Base64Url.hpp"

namespace certa::acme {

namespace {

// Flattened JWS JSON serialization (RFC 7515 §7.2.2).
std::string assemble(const AccountKey& key, const json::Value& header, const std::string& payload) {
    std::string protected64 = base64url_encode(json::serialize(header));
    std::string payload64 = base64url_encode(payload);
    std::string signature = key.sign(protected64 + "." + payload64);
    json::Value body = json::Value::object();
    body[U("protected")] = json::string_value(protected64);
    body[U("payload")] = json::string_value(payload64);
    body[U("signature")] = json::string_value(base64url_encode(signature));
    return json::serialize(body);
}

json::Value base_header(const AccountKey& key, const std::string& url, const std::string& nonce) {
    json::Value header = json::Value::object();
    header[U("alg")] = json::string_value(key.alg_name());
    if (!nonce.empty()) header[U("nonce")] = json::string_value(nonce);
    header[U("url")] = json::string_value(url);
    return header;
}

}  // namespace

std::string jws_with_jwk(const AccountKey& key, const std::string& url, const std::string& nonce,
                         const std::string& payload) {
    json::Value header = base_header(key, url, nonce);
    header[U("jwk")] = json::parse(key.jwk_json());
    return assemble(key, header, payload);
}

std::string jws_with_kid(const AccountKey& key, const std::string& kid, const std::string& url,
                         const std::string& nonce, const std::string& payload) {
    json::Value header = base_header(key, url, nonce);
    header[U("kid")] = json::string_value(kid);
    return assemble(key, header, payload);
}

std::string key_change_inner_jws(const AccountKey& new_key, const AccountKey& old_key, const std::string& kid,
                                 const std::string& key_change_url) {
    // RFC 8555 §7.3.5: the inner JWS has no nonce; its url equals the outer url.
    json::Value header = base_header(new_key, key_change_url, "");
    header[U("jwk")] = json::parse(new_key.jwk_json());
    json::Value payload = json::Value::object();
    payload[U("account")] = json::string_value(kid);
    payload[U("oldKey")] = json::parse(old_key.jwk_json());
    return assemble(new_key, header, json::serialize(payload));
}

}  // namespace certa::acme
