// Reading HAProxy runtime API answers (management.txt §9.3): what `show ssl
// cert`, `show ssl crt-list` and `show ssl cert FILE` print. The answers come
// from a socket, so they are read as untrusted text: a listing line that is
// not a plain path makes the whole answer a refusal, and what an error
// quotes is one printable line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certa::acme {

// The non-empty lines of `answer`, CR dropped.
std::vector<std::string> answer_lines(std::string_view answer);
// The answer as an error may quote it: lines joined with "; ", bytes outside
// printable ASCII escaped, at most about 300 characters; "(no answer)".
std::string answer_one_line(std::string_view answer);

// "show ssl cert" / "show ssl crt-list": the listed paths ('#' comment lines
// and '*' open transactions left out). nullopt when a line is not one path
// (no spaces, no control characters): HAProxy refused the command.
std::optional<std::vector<std::string>> parse_path_listing(std::string_view answer);
// "show ssl crt-list LIST": each line's first field (the certificate file).
std::vector<std::string> parse_crt_list_entries(std::string_view answer);
// "show ssl cert FILE": the value of its "Status: " line ("" when absent).
std::string parse_certificate_status(std::string_view answer);

}  // namespace certa::acme
