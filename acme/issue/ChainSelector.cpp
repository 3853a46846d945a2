#include "acme/issue/ChainSelector.hpp"

#include "storage/base/OpenSsl.hpp"

namespace certa::acme {

std::string top_issuer_cn(const std::string& chain_pem) {
    auto chain = ossl::parse_chain_pem(chain_pem);
    return chain.empty() ? std::string{} : ossl::issuer_common_name(chain.back().get());
}

bool chain_matches(const std::string& chain_pem, const std::string& preferred_cn) {
    return preferred_cn.empty() || top_issuer_cn(chain_pem) == preferred_cn;
}

}  // namespace certa::acme
