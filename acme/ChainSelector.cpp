#include "acme/ChainSelector.hpp"

#include "storage/OpenSsl.hpp"

namespace certa::acme {

std::string top_issuer_cn(const std::string& chain_pem) {
    auto chain = ossl::parse_chain_pem(chain_pem);
    if (chain.empty()) return {};
    X509_NAME* issuer = X509_get_issuer_name(chain.back().get());
    int idx = X509_NAME_get_index_by_NID(issuer, NID_commonName, -1);
    if (idx < 0) return {};
    ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(issuer, idx));
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                       static_cast<size_t>(ASN1_STRING_length(data)));
}

bool chain_matches(const std::string& chain_pem, const std::string& preferred_cn) {
    return preferred_cn.empty() || top_issuer_cn(chain_pem) == preferred_cn;
}

}  // namespace certa::acme
