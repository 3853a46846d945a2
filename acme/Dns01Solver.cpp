#include "acme/Dns01Solver.hpp"

#include "acme/HookProcess.hpp"
#include "storage/Base64Url.hpp"
#include "storage/OpenSsl.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace certa::acme {
namespace {

// First line of the hook's output, shortened, for the error message.
std::string first_line(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    if (line.size() > 200) line = line.substr(0, 200) + "...";
    return line;
}

}  // namespace

std::string dns01_fqdn(const Identifier& identifier) {
    // RFC 8555 §8.4: the record lives under the base name, also for wildcards.
    return "_acme-challenge." + identifier.base_name() + ".";
}

std::string dns01_txt_value(const std::string& key_authorization) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(key_authorization.data(), key_authorization.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed: " + ossl::last_error());
    return base64url_encode(std::string_view(reinterpret_cast<const char*>(md), len));
}

Dns01Solver::Dns01Solver(Dns01Options options) : options_(std::move(options)) {
    if (options_.hook.empty()) throw std::invalid_argument("dns-01 needs --dns-hook CMD");
}

void Dns01Solver::run(const char* action, const Identifier& identifier, const std::string& key_authorization) {
    const std::string fqdn = dns01_fqdn(identifier);
    const std::string value = dns01_txt_value(key_authorization);
    HookOptions hook;
    hook.timeout = options_.timeout;
    hook.env = {{"CERTA_DNS_ACTION", action},
                {"CERTA_DNS_FQDN", fqdn},
                {"CERTA_DNS_VALUE", value},
                {"CERTA_IDENTIFIER", identifier.value}};
    HookResult r = run_hook({options_.hook, action, fqdn, value}, hook);
    const std::string what = "dns hook '" + options_.hook + " " + action + " " + fqdn + "'";
    if (r.timed_out)
        throw std::runtime_error(what + " did not finish within " + std::to_string(options_.timeout.count()) + " ms");
    if (r.exit_code != 0) {
        std::string msg = what + " failed with exit status " + std::to_string(r.exit_code);
        if (!r.output.empty()) msg += ": " + first_line(r.output);
        throw std::runtime_error(msg);
    }
    spdlog::debug("{} succeeded", what);
}

void Dns01Solver::present(const Identifier& identifier, const std::string&, const std::string& key_authorization) {
    run("add", identifier, key_authorization);
}

void Dns01Solver::cleanup(const Identifier& identifier, const std::string&,
                          const std::string& key_authorization) noexcept {
    try {
        run("remove", identifier, key_authorization);
    } catch (const std::exception& e) {
        spdlog::warn("{}", e.what());
    }
}

}  // namespace certa::acme
