// The account flags several commands share (--email, --agree-tos and the
// external account binding flags) turned into acme::RegisterOptions.
#pragma once

#include "acme/protocol/AccountService.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace certa::cli {

// RFC 8555 §7.3.4: the EAB key id and HMAC key. The key comes from exactly
// one of --eab-hmac-key (visible in `ps` until certa blanks its argv),
// --eab-hmac-key-file FILE or $CERTA_EAB_HMAC_KEY.
struct EabFlags {
    std::string kid;
    std::string hmac_key;
    std::string hmac_key_file;
};

// Adds --eab-kid, --eab-hmac-key and --eab-hmac-key-file; `prefix` starts each help text.
void add_eab_flags(CLI::App* cmd, EabFlags& flags, const std::string& prefix = "");

// Throws CliError: Usage when the key id and key do not come together or the
// key comes from two places, LocalIo when the key file cannot be read. The
// key's copies in `eab` and in the file buffer are wiped.
acme::RegisterOptions make_register_options(const std::vector<std::string>& email, bool agree_tos, EabFlags& eab);

}  // namespace certa::cli
