// `--server URL`, repeatable and ordered (issue 24: CA failover, tried in the
// order given), with the account flags that belong to each CA: --eab-kid,
// --eab-hmac-key and --eab-hmac-key-file apply to the --server they follow
// (given before the first --server, to the first). --email and --agree-tos
// stay common to every CA.
#pragma once

#include "acme/protocol/AccountService.hpp"
#include "cli/AccountOptions.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace certa::cli {

struct CaListFlags {
    std::vector<std::string> servers;
    std::vector<std::string> eab_kids, eab_keys, eab_key_files;
    CLI::App* cmd = nullptr;
    CLI::Option *server = nullptr, *kid = nullptr, *key = nullptr, *key_file = nullptr;
};

// Adds --server (help `server_help`; returned) and the EAB flags; `prefix` starts each EAB help text.
CLI::Option* add_ca_list_flags(CLI::App* cmd, CaListFlags& flags, const std::string& server_help, const std::string& prefix = "");

// After parsing: the register options of each --server, in order (contact
// and agree_tos common, EAB per CA; secrets wiped from `flags`). Throws
// CliError: Usage when one CA gets an EAB flag twice or EAB flags come
// without any --server, LocalIo when a key file cannot be read.
std::vector<acme::RegisterOptions> ca_register_options(CaListFlags& flags, const std::vector<std::string>& email,
                                                       bool agree_tos);

}  // namespace certa::cli
