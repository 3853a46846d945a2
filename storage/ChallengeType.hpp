// The ACME challenge types certa answers (RFC 8555 §8.3-8.4, RFC 8737): the
// one list behind the challenges table's CHECK constraint, IssueSettings
// validation, the solver choice and the --challenge checks of `certa issue`,
// `certa import` and `certa serve`.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certa::storage {

enum class ChallengeType { Http01, Dns01, TlsAlpn01 };

inline constexpr std::array kChallengeTypes{ChallengeType::Http01, ChallengeType::Dns01, ChallengeType::TlsAlpn01};

// "http-01", "dns-01", "tls-alpn-01".
const char* to_string(ChallengeType type);
// Throws std::invalid_argument for anything but a name in kChallengeTypes.
ChallengeType challenge_type_from(const std::string& text);
std::optional<ChallengeType> parse_challenge_type(std::string_view text);
bool is_challenge_type(std::string_view text);

// True when certa itself answers it (a responder reading the store); false
// for dns-01, which needs the user's DNS hook. `certa serve --on-demand`
// offers only these.
bool answered_by_certa(ChallengeType type);

// The names of kChallengeTypes, in order (for CLI11's IsMember);
// only_answered_by_certa keeps those answered_by_certa.
std::vector<std::string> challenge_type_names(bool only_answered_by_certa = false);
// "http-01, dns-01 or tls-alpn-01"; with a default: "http-01 (default), ...".
std::string challenge_type_help(std::optional<ChallengeType> marked_default = std::nullopt);
// "unknown challenge type 'TEXT' (http-01, dns-01, tls-alpn-01)".
std::string unknown_challenge_type(std::string_view text);
// "CHECK (COLUMN IN ('http-01', 'dns-01', 'tls-alpn-01'))": the schema's constraint.
std::string challenge_type_check(std::string_view column);

}  // namespace certa::storage
