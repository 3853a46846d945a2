#include "acme/challenge/Http01Solver.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace certa::acme {

namespace fs = std::filesystem;

Http01Solver::Http01Solver(storage::Store& store, Http01Options options)
    : options_(std::move(options)), rows_(store, options_.row_lifetime_s) {}

std::string Http01Solver::webroot_file(const std::string& token) const {
    return (fs::path(options_.webroot) / ".well-known" / "acme-challenge" / token).string();
}

void Http01Solver::present(const Identifier& identifier, const std::string& token,
                           const std::string& key_authorization) {
    if (!is_valid_token(token)) throw std::runtime_error("the CA sent an invalid http-01 token");
    if (!options_.webroot.empty()) {
        const fs::path file = webroot_file(token);
        std::error_code ec;
        fs::create_directories(file.parent_path(), ec);
        if (ec) throw std::runtime_error("cannot create " + file.parent_path().string() + ": " + ec.message());
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << key_authorization;
        out.close();
        if (!out) throw std::runtime_error("cannot write the challenge file in " + file.parent_path().string());
        // A web server running as another user must be able to read it.
        fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                  fs::perms::others_read, ec);
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
            std::error_code ec;
            fs::remove(webroot_file(token), ec);
        }
    } catch (const std::exception& e) {
        spdlog::warn("http-01 cleanup for {} failed: {}", identifier.value, e.what());
    }
}

}  // namespace certa::acme
