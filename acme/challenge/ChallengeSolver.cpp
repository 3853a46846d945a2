#include "acme/challenge/ChallengeSolver.hpp"

#include <algorithm>
#include <cctype>

namespace certa::acme {

bool is_valid_token(std::string_view token) {
    // RFC 8555 §8.3 requires at least 128 bits of entropy (22 characters); allow
    // shorter ones from lenient CAs but bound the length.
    if (token.empty() || token.size() > 256) return false;
    return std::all_of(token.begin(), token.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_';
    });
}

}  // namespace certa::acme
