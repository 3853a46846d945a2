// A deploy step that failed (DeployTarget::deploy): one line naming the
// target and why. Its class is what a renewal records for it in
// certificates.last_error_class (storage/RenewalErrorClass.hpp), so the class
// follows from the type, never from the wording.
#pragma once

#include "storage/RenewalErrorClass.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

namespace certa::acme {

class DeployError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    std::string_view error_class() const noexcept { return storage::error_class::kDeploy; }
};

}  // namespace certa::acme
