// A DNS UPDATE (RFC 2136) that the server refused or did not answer
// properly, as one line naming the server and its answer: the RCODE
// (NOTAUTH, REFUSED, ...) and, for a TSIG failure, the TSIG error (RFC 8945
// §5.3: BADSIG, BADKEY, BADTIME). The CLI maps it to exit code 7. The
// message never holds the secret.
#pragma once

#include <stdexcept>
#include <string>

namespace certa::acme {

class Rfc2136Error : public std::runtime_error {
public:
    Rfc2136Error(const std::string& message, std::string answer)
        : std::runtime_error(message), answer_(std::move(answer)) {}
    // "NOTAUTH/BADSIG", "REFUSED", "unsigned answer", ...
    const std::string& answer() const noexcept { return answer_; }

private:
    std::string answer_;
};

}  // namespace certa::acme
