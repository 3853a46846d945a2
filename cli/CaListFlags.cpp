#include "cli/CaListFlags.hpp"

#include "cli/CliError.hpp"

#include <openssl/crypto.h>

#include <map>

namespace certa::cli {

namespace {

// Sets `slot` (one CA's flag) from the next value of `values`, once.
void take(std::string& slot, std::vector<std::string>& values, std::size_t& next, const std::string& flag,
          const std::string& server) {
    if (next >= values.size()) return;
    if (!slot.empty()) throw CliError(ExitCode::Usage, flag + " given twice for --server " + server);
    slot = std::move(values[next]);
    if (!values[next].empty()) OPENSSL_cleanse(values[next].data(), values[next].size());
    values[next].clear();
    ++next;
}

}  // namespace

CLI::Option* add_ca_list_flags(CLI::App* cmd, CaListFlags& flags, const std::string& server_help, const std::string& prefix) {
    flags.cmd = cmd;
    flags.server = cmd->add_option("--server", flags.servers, server_help)->allow_extra_args(false);
    flags.kid = cmd->add_option("--eab-kid", flags.eab_kids, prefix + "External account binding key id (of the --server before it)")
                    ->allow_extra_args(false);
    flags.key = cmd->add_option("--eab-hmac-key", flags.eab_keys,
                                prefix + "External account binding HMAC key (base64url; shows in ps: prefer the file or "
                                         "CERTA_EAB_HMAC_KEY)")
                    ->allow_extra_args(false);
    flags.key_file = cmd->add_option("--eab-hmac-key-file", flags.eab_key_files,
                                     prefix + "File holding the external account binding HMAC key (of the --server before it)")
                         ->allow_extra_args(false);
    return flags.server;
}

std::vector<acme::RegisterOptions> ca_register_options(CaListFlags& flags, const std::vector<std::string>& email,
                                                       bool agree_tos) {
    std::vector<EabFlags> eab(std::max<std::size_t>(flags.servers.size(), 1));
    // Walk the flags in the order given: each EAB flag belongs to the last --server before it.
    std::size_t ca = 0, servers_seen = 0;
    std::map<const CLI::Option*, std::size_t> next;
    for (const CLI::Option* option : flags.cmd->parse_order()) {
        const std::string server = ca < flags.servers.size() ? flags.servers[ca] : std::string("(none)");
        if (option == flags.server) {
            ca = servers_seen++;
        } else if (option == flags.kid) {
            take(eab[ca].kid, flags.eab_kids, next[option], "--eab-kid", server);
        } else if (option == flags.key) {
            take(eab[ca].hmac_key, flags.eab_keys, next[option], "--eab-hmac-key", server);
        } else if (option == flags.key_file) {
            take(eab[ca].hmac_key_file, flags.eab_key_files, next[option], "--eab-hmac-key-file", server);
        }
    }
    if (flags.servers.empty() && (!eab[0].kid.empty() || !eab[0].hmac_key.empty() || !eab[0].hmac_key_file.empty()))
        throw CliError(ExitCode::Usage, "--eab-kid and its HMAC key need a --server");
    std::vector<acme::RegisterOptions> out;
    for (auto& one : eab) out.push_back(make_register_options(email, agree_tos, one));
    if (flags.servers.empty()) out.clear();
    return out;
}

}  // namespace certa::cli
