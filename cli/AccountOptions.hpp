// The account flags several commands share (--email, --agree-tos, --eab-kid,
// --eab-hmac-key) turned into acme::RegisterOptions.
#pragma once

#include "acme/protocol/AccountService.hpp"

#include <string>
#include <vector>

namespace certa::cli {

// Throws CliError(Usage) when only one of the EAB flags is given.
acme::RegisterOptions make_register_options(const std::vector<std::string>& email, bool agree_tos,
                                            const std::string& eab_kid, const std::string& eab_hmac_key);

}  // namespace certa::cli
