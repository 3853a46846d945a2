// The --ask URL may carry a secret in its query string (…/check?token=…) or
// its user info (http://user:pass@host/…): neither may reach a log line or an
// error message (issue 14). These helpers give the text to show instead.
#pragma once

#include <stdexcept>
#include <string>

namespace certa::handshake {

// `url` with the user info replaced by "<redacted>@" and everything after the
// first '?' or '#' by "?<redacted>": "http://h:1/check?<redacted>".
std::string redact_ask_url(const std::string& url);

// `text` with every occurrence of the secret parts of `url` (its query,
// fragment and user info) replaced by "<redacted>".
std::string redact_ask_secrets(std::string text, const std::string& url);

// An --ask request that could not be made; its message is already redacted.
class AskError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace certa::handshake
