// Renewal settings given on the `certa import` command line. They win over
// what was read (lego records none; certbot's may need another port or
// webroot under certa), for every certificate of the plan.
#pragma once

#include "acme/import/ImportPlan.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace certa::acme {

struct ImportOverrides {
    std::optional<std::string> server;  // --cert/--key only: the CA that renews it
    std::optional<std::string> ca_bundle, challenge, http_address, webroot, dns_hook, deploy_hook, preferred_chain;
    std::optional<std::uint16_t> http_port, tls_port;
    bool agree_tos = false;

    // A way to validate was chosen (--challenge, --http-port, --webroot, ...).
    bool chooses_challenge() const {
        return challenge || http_port || http_address || webroot || tls_port || dns_hook;
    }
};

// Applies `o` to every certificate of `plan`: --dns-hook implies dns-01,
// --tls-port tls-alpn-01, --webroot http-01 unless --challenge says
// otherwise; a chosen challenge lifts a skip that only wanted one. Then
// checks each renewable certificate's settings (acme::validate). Throws
// ImportError naming the certificate.
void apply_overrides(ImportPlan& plan, const ImportOverrides& o);

}  // namespace certa::acme
