#include "acme/protocol/KeyAuthorization.hpp"

namespace certa::acme {

std::string key_authorization(const std::string& token, const AccountKey& key) {
    return token + "." + key.thumbprint();
}

}  // namespace certa::acme
