#include "acme/request/IssueSettings.hpp"

#include "acme/protocol/Json.hpp"
#include "storage/ChallengeType.hpp"
#include "storage/KeyType.hpp"


namespace certa::acme {
namespace {

std::uint16_t port_field(const json::Value& object, std::string_view name, std::uint16_t fallback) {
    auto v = json::int_field(object, name);
    if (!v) return fallback;
    if (*v < 0 || *v > 65535) throw json::JsonError("settings: " + std::string(name) + " is not a port");
    return static_cast<std::uint16_t>(*v);
}

}  // namespace

std::string IssueSettings::ca_list_text() const {
    std::string out;
    for (const auto& url : ca_list()) out += (out.empty() ? "" : ", then ") + url;
    return out;
}

std::string IssueSettings::to_json() const {
    json::Value v = json::Value::object();
    v["server"] = json::string_value(server);
    v["ca_bundle"] = json::string_value(ca_bundle);
    v["challenge"] = json::string_value(challenge);
    v["key_type"] = json::string_value(key_type);
    v["profile"] = json::string_value(profile);
    v["preferred_chain"] = json::string_value(preferred_chain);
    v["contact"] = json::string_array(contact);
    v["http_port"] = json::Value::number(static_cast<int>(http_port));
    v["http_address"] = json::string_value(http_address);
    v["webroot"] = json::string_value(webroot);
    v["dns_hook"] = json::string_value(dns_hook);
    v["dns_propagation_timeout"] = json::Value::number(dns_propagation_timeout);
    v["dns_resolvers"] = json::string_array(dns_resolvers);
    v["tls_port"] = json::Value::number(static_cast<int>(tls_port));
    v["export_dirs"] = json::string_array(export_dirs);
    v["deploy_hook"] = json::string_value(deploy_hook);
    // Written only when set, so older rows and their JSON stay as they were.
    if (agree_tos) v["agree_tos"] = json::Value::boolean(true);
    if (!renew_skip_reason.empty()) v["renew_skip_reason"] = json::string_value(renew_skip_reason);
    if (!certbot_dirs.empty()) v["certbot_dirs"] = json::string_array(certbot_dirs);
    if (!certbot_lineage.empty()) v["certbot_lineage"] = json::string_value(certbot_lineage);
    if (!deploy_targets.empty()) v["deploy_targets"] = json::string_array(deploy_targets);
    if (!deploy_checks.empty()) v["deploy_checks"] = json::string_array(deploy_checks);
    if (!dns_update.empty()) v["dns_update"] = json::string_value(dns_update);
    if (!tsig_key_file.empty()) v["tsig_key_file"] = json::string_value(tsig_key_file);
    if (servers.size() > 1) v["servers"] = json::string_array(servers);
    return json::serialize(v);
}

IssueSettings IssueSettings::from_json(const std::string& text) {
    const json::Value v = json::parse_object(text);
    IssueSettings s;
    s.server = json::string_field(v, "server").value_or(s.server);
    s.ca_bundle = json::string_field(v, "ca_bundle").value_or(s.ca_bundle);
    s.challenge = json::string_field(v, "challenge").value_or(s.challenge);
    s.key_type = json::string_field(v, "key_type").value_or(s.key_type);
    s.profile = json::string_field(v, "profile").value_or(s.profile);
    s.preferred_chain = json::string_field(v, "preferred_chain").value_or(s.preferred_chain);
    s.contact = json::string_array_field(v, "contact");
    s.http_port = port_field(v, "http_port", s.http_port);
    s.http_address = json::string_field(v, "http_address").value_or(s.http_address);
    s.webroot = json::string_field(v, "webroot").value_or(s.webroot);
    s.dns_hook = json::string_field(v, "dns_hook").value_or(s.dns_hook);
    if (auto t = json::int_field(v, "dns_propagation_timeout")) {
        if (*t < 0 || *t > kMaxDnsPropagationTimeout)
            throw json::JsonError("settings: dns_propagation_timeout is out of range");
        s.dns_propagation_timeout = static_cast<int>(*t);
    }
    s.dns_resolvers = json::string_array_field(v, "dns_resolvers");
    s.tls_port = port_field(v, "tls_port", s.tls_port);
    s.export_dirs = json::string_array_field(v, "export_dirs");
    s.deploy_hook = json::string_field(v, "deploy_hook").value_or(s.deploy_hook);
    s.agree_tos = json::bool_field(v, "agree_tos").value_or(false);
    s.renew_skip_reason = json::string_field(v, "renew_skip_reason").value_or("");
    s.certbot_dirs = json::string_array_field(v, "certbot_dirs");
    s.certbot_lineage = json::string_field(v, "certbot_lineage").value_or("");
    s.deploy_targets = json::string_array_field(v, "deploy_targets");
    s.deploy_checks = json::string_array_field(v, "deploy_checks");
    s.dns_update = json::string_field(v, "dns_update").value_or("");
    s.tsig_key_file = json::string_field(v, "tsig_key_file").value_or("");
    s.servers = json::string_array_field(v, "servers");
    // A row written before the list existed (or with one CA) has only "server".
    if (!s.servers.empty()) s.server = s.servers.front();
    return s;
}

}  // namespace certa::acme
