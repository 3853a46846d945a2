#include "cli/ProcessHardening.hpp"

#include <openssl/crypto.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cstring>
#include <string_view>

namespace certa::cli {

namespace {

constexpr std::string_view kSecretFlags[] = {"--eab-hmac-key"};

}  // namespace

void disable_core_dumps() noexcept {
    const rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
#if !defined(__SANITIZE_ADDRESS__)
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

void blank_secret_arguments(int argc, char** argv) noexcept {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        for (const std::string_view flag : kSecretFlags) {
            if (arg == flag && i + 1 < argc) {
                OPENSSL_cleanse(argv[i + 1], std::strlen(argv[i + 1]));
            } else if (arg.size() > flag.size() && arg.substr(0, flag.size()) == flag && arg[flag.size()] == '=') {
                OPENSSL_cleanse(argv[i] + flag.size() + 1, arg.size() - flag.size() - 1);
            }
        }
    }
}

}  // namespace certa::cli
