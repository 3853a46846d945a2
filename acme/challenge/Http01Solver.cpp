#include "acme/challenge/Http01Solver.hpp"

#include "acme/files/AtomicFile.hpp"
#include "acme/files/SafeDirectory.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace certa::acme {

namespace fs = std::filesystem;

Http01Solver::Http01Solver(storage::Store& store, Http01Options options)
    : options_(std::move(options)), rows_(store, options_.row_lifetime_s) {}

fs::path Http01Solver::challenge_dir() const { return fs::path(options_.webroot) / ".well-known" / "acme-challenge"; }

void Http01Solver::present(const Identifier& identifier, const std::string& token,
                           const std::string& key_authorization) {
    if (!is_valid_token(token)) throw std::runtime_error("the CA sent an invalid http-01 token");
    if (!options_.webroot.empty()) {
        // RFC 8555 §8.3: DIR/.well-known/acme-challenge/TOKEN. Opened without
        // following links others could plant (certa often runs as root); the
        // web server, maybe another user, must be able to read the file.
        const SafeDirectory dir = SafeDirectory::open(challenge_dir(), true, 0755);
        write_file_atomic(dir, token, key_authorization, 0644);
    }
    storage::Challenge row;
    row.type = storage::ChallengeType::Http01;
    row.identifier = identifier.value;
    row.token = token;
    row.key_authorization = key_authorization;
    rows_.put(std::move(row));
}

void Http01Solver::cleanup(const Identifier& identifier, const std::string& token, const std::string&) noexcept {
    try {
        rows_.remove(token);
        if (!options_.webroot.empty() && is_valid_token(token)) {
            const SafeDirectory dir = SafeDirectory::open(challenge_dir(), false);
            ::unlinkat(dir.fd(), token.c_str(), 0);
        }
    } catch (const std::exception& e) {
        spdlog::warn("http-01 cleanup for {} failed: {}", identifier.value, e.what());
    }
}

}  // namespace certa::acme
