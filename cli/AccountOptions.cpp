#include "cli/AccountOptions.hpp"

#include "cli/CliError.hpp"

namespace certa::cli {

acme::RegisterOptions make_register_options(const std::vector<std::string>& email, bool agree_tos,
                                            const std::string& eab_kid, const std::string& eab_hmac_key) {
    acme::RegisterOptions options;
    for (const auto& e : email) options.contact.push_back(acme::normalize_contact(e));
    options.agree_tos = agree_tos;
    if (eab_kid.empty() != eab_hmac_key.empty())
        throw CliError(ExitCode::Usage, "--eab-kid and --eab-hmac-key go together");
    if (!eab_kid.empty()) options.eab = acme::EabCredentials{eab_kid, eab_hmac_key};
    return options;
}

}  // namespace certa::cli
