// The class stored with a failed renewal (storage/RenewalErrorClass.hpp),
// taken from the failure's exception type, never from its text.
#pragma once

#include <exception>
#include <string>

namespace certa::acme {

// AcmeError with an ACME problem type: the type's last part
// (urn:ietf:params:acme:error:rateLimited -> "rateLimited"); HttpError (the
// CA could not be reached): "network"; DeployError: its own class
// ("deploy"); anything else: "other". Always in
// the label shape (storage::error_class_label).
std::string renewal_failure_class(const std::exception& failure);

}  // namespace certa::acme
