// A small, fixed-shape class for a certificate's last renewal error, fit for a
// metric label or a monitoring line. The error text itself (URLs, paths,
// the CA's detail) never goes into a label.
#pragma once

#include <string>
#include <string_view>

namespace certa::cli {

// "none" for no error; the ACME problem type's last part when the text
// carries one (urn:ietf:params:acme:error:rateLimited -> "rateLimited");
// "network" when the CA could not be reached; "deploy" when the export or the
// deploy hook failed; else "other". Always [A-Za-z0-9_], at most 48 characters.
std::string renewal_error_class(std::string_view last_error);

}  // namespace certa::cli
