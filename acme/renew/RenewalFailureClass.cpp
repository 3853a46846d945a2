// A failed renewal's class from its exception type (RenewalFailureClass.hpp).
#include "acme/renew/RenewalFailureClass.hpp"

#include "acme/deploy/DeployError.hpp"
#include "acme/issue/FailoverIssuer.hpp"
#include "acme/protocol/HttpClient.hpp"
#include "acme/protocol/Problem.hpp"
#include "storage/RenewalErrorClass.hpp"

namespace certa::acme {

std::string renewal_failure_class(const std::exception& failure) {
    namespace cls = storage::error_class;
    // No CA of the list issued: the class of the error that decided it.
    if (const auto* failover = dynamic_cast<const CaFailoverError*>(&failure)) {
        try {
            if (auto relevant = failover->relevant()) std::rethrow_exception(relevant);
        } catch (const std::exception& e) {
            return renewal_failure_class(e);
        } catch (...) {
        }
        return std::string(cls::kOther);
    }
    if (const auto* acme = dynamic_cast<const AcmeError*>(&failure)) {
        const std::string_view type = acme->problem().type;
        if (type.starts_with(kAcmeErrorPrefix)) return storage::error_class_label(type.substr(kAcmeErrorPrefix.size()));
        return std::string(cls::kOther);
    }
    if (dynamic_cast<const HttpError*>(&failure)) return std::string(cls::kNetwork);
    if (const auto* deploy = dynamic_cast<const DeployError*>(&failure)) return std::string(deploy->error_class());
    return std::string(cls::kOther);
}

}  // namespace certa::acme
