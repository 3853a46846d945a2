// http-01 (RFC 8555 §8.3): the key authorization is written to the store as a
// challenge row, where any Http01Responder (this process's or `certa serve
// --http` elsewhere) finds it by token. With a webroot it is also written to
// WEBROOT/.well-known/acme-challenge/TOKEN for an existing web server, and
// removed again in cleanup().
#pragma once

#include "acme/challenge/ChallengeSolver.hpp"
#include "acme/challenge/StoredChallenges.hpp"
#include "storage/ChallengeType.hpp"

#include <filesystem>
#include <string>

namespace certa::acme {

struct Http01Options {
    std::string webroot;               // empty: store only
    long row_lifetime_s = 3600;        // challenge rows expire even if cleanup never runs
};

class Http01Solver : public ChallengeSolver {
public:
    Http01Solver(storage::Store& store, Http01Options options = {});
    const char* type() const override { return storage::to_string(storage::ChallengeType::Http01); }
    void present(const Identifier& identifier, const std::string& token, const std::string& key_authorization) override;
    void cleanup(const Identifier& identifier, const std::string& token,
                 const std::string& key_authorization) noexcept override;

private:
    std::filesystem::path challenge_dir() const;  // WEBROOT/.well-known/acme-challenge
    Http01Options options_;
    StoredChallenges rows_;
};

}  // namespace certa::acme
