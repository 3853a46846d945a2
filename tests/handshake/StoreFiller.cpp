#include "StoreFiller.hpp"

#include "storage/base/OpenSsl.hpp"

#include <stdexcept>

namespace certa::test {

PutResult put_test_cert(storage::Store& store, const std::vector<std::string>& names,
                        const std::string& key_type, std::optional<std::int64_t> replaces,
                        long not_before_offset_s, long validity_s) {
    PutResult result;
    result.cert = make_self_signed(names, key_type, not_before_offset_s, validity_s);
    storage::CertificateInput input;
    input.names = names;
    input.key_type = key_type;
    input.key_pem = result.cert.key_pem;
    input.chain_pem = result.cert.chain_pem;
    input.server = "https://127.0.0.1/dir";
    input.replaces = replaces;
    result.id = store.put_certificate(input);
    return result;
}

std::string serial_of_pem(const std::string& cert_pem) {
    auto chain = ossl::parse_chain_pem(cert_pem);
    if (chain.empty()) throw std::runtime_error("serial_of_pem: not a certificate");
    return serial_of(chain.front().get());
}

}  // namespace certa::test
