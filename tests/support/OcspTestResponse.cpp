#include "OcspTestResponse.hpp"

#include "storage/ocsp/OcspPtr.hpp"

#include <stdexcept>

namespace certa::test {

namespace {

using Asn1TimePtr = std::unique_ptr<ASN1_TIME, ossl::Deleter<ASN1_TIME, ASN1_TIME_free>>;

ossl::X509Ptr first_cert(const std::string& pem) {
    auto chain = ossl::parse_chain_pem(pem);
    if (chain.empty()) throw std::runtime_error("test OCSP response: certificate does not parse");
    return std::move(chain.front());
}

}  // namespace

std::string make_ocsp_response(const std::string& leaf_pem, const std::string& issuer_pem,
                               const std::string& signer_cert_pem, const std::string& signer_key_pem,
                               const OcspSpec& spec) {
    auto leaf = first_cert(leaf_pem);
    auto issuer = first_cert(issuer_pem);
    auto signer = first_cert(signer_cert_pem);
    auto key = ossl::parse_key_pem(signer_key_pem);
    ossl::OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), leaf.get(), issuer.get()));
    ossl::OcspBasicPtr basic(OCSP_BASICRESP_new());
    Asn1TimePtr this_update(X509_gmtime_adj(nullptr, spec.this_update_offset_s));
    Asn1TimePtr next_update(X509_gmtime_adj(nullptr, spec.next_update_offset_s));
    Asn1TimePtr revoked_at(X509_gmtime_adj(nullptr, -3600));
    if (!key || !id || !basic || !this_update || !next_update || !revoked_at)
        throw std::runtime_error("test OCSP response: setup failed");
    if (!OCSP_basic_add1_status(basic.get(), id.get(),
                                spec.revoked ? V_OCSP_CERTSTATUS_REVOKED : V_OCSP_CERTSTATUS_GOOD,
                                spec.revoked ? OCSP_REVOKED_STATUS_KEYCOMPROMISE : -1,
                                spec.revoked ? revoked_at.get() : nullptr, this_update.get(), next_update.get()) ||
        !OCSP_basic_sign(basic.get(), signer.get(), key.get(), EVP_sha256(), nullptr, 0))
        throw std::runtime_error("test OCSP response: signing failed");
    ossl::OcspResponsePtr response(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
    unsigned char* der = nullptr;
    const int len = response ? i2d_OCSP_RESPONSE(response.get(), &der) : -1;
    if (len <= 0) throw std::runtime_error("test OCSP response: encoding failed");
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

}  // namespace certa::test
