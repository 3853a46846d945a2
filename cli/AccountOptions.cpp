#include "cli/AccountOptions.hpp"

#include "cli/CliError.hpp"

#include <openssl/crypto.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace certa::cli {

namespace {

constexpr const char* kKeyVariable = "CERTA_EAB_HMAC_KEY";

void wipe(std::string& secret) {
    if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
    secret.clear();
}

// The key file's text without surrounding whitespace (a trailing newline, say).
std::string read_key_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CliError(ExitCode::LocalIo, "cannot read --eab-hmac-key-file " + path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto first = text.find_first_not_of(" \t\r\n");
    const auto last = text.find_last_not_of(" \t\r\n");
    std::string key = first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
    wipe(text);
    if (key.empty()) throw CliError(ExitCode::Usage, "--eab-hmac-key-file " + path + " is empty");
    return key;
}

std::string hmac_key(EabFlags& eab) {
    const char* from_env = std::getenv(kKeyVariable);
    const bool env = from_env && *from_env;
    if (!eab.hmac_key.empty() && !eab.hmac_key_file.empty())
        throw CliError(ExitCode::Usage, "give --eab-hmac-key or --eab-hmac-key-file, not both");
    if (!eab.hmac_key.empty()) {
        std::string key = eab.hmac_key;
        wipe(eab.hmac_key);
        return key;
    }
    if (!eab.hmac_key_file.empty()) return read_key_file(eab.hmac_key_file);
    return env ? std::string(from_env) : std::string();
}

}  // namespace

void add_eab_flags(CLI::App* cmd, EabFlags& flags, const std::string& prefix) {
    cmd->add_option("--eab-kid", flags.kid, prefix + "External account binding key id");
    cmd->add_option("--eab-hmac-key", flags.hmac_key,
                    prefix + "External account binding HMAC key (base64url; shows in ps: prefer the file or " +
                        kKeyVariable + ")");
    cmd->add_option("--eab-hmac-key-file", flags.hmac_key_file,
                    prefix + "File holding the external account binding HMAC key");
}

acme::RegisterOptions make_register_options(const std::vector<std::string>& email, bool agree_tos, EabFlags& eab) {
    acme::RegisterOptions options;
    for (const auto& e : email) options.contact.push_back(acme::normalize_contact(e));
    options.agree_tos = agree_tos;
    std::string key = eab.kid.empty() && eab.hmac_key.empty() && eab.hmac_key_file.empty() ? std::string()
                                                                                         : hmac_key(eab);
    if (eab.kid.empty() != key.empty()) {
        wipe(key);
        throw CliError(ExitCode::Usage, std::string("--eab-kid and the HMAC key (--eab-hmac-key, "
                                                    "--eab-hmac-key-file or ") + kKeyVariable + ") go together");
    }
    if (!eab.kid.empty()) options.eab = acme::EabCredentials{eab.kid, key};
    wipe(key);
    return options;
}

}  // namespace certa::cli
