#include "acme/ocsp/OcspRequestBuilder.hpp"

#include "acme/ocsp/OcspError.hpp"
#include "storage/ocsp/OcspPtr.hpp"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <memory>

namespace certa::acme {

namespace {

struct AiaFree {
    void operator()(AUTHORITY_INFO_ACCESS* p) const noexcept { AUTHORITY_INFO_ACCESS_free(p); }
};

}  // namespace

std::optional<std::string> ocsp_responder_url(X509* leaf) {
    if (!leaf) return std::nullopt;
    std::unique_ptr<AUTHORITY_INFO_ACCESS, AiaFree> aia(
        static_cast<AUTHORITY_INFO_ACCESS*>(X509_get_ext_d2i(leaf, NID_info_access, nullptr, nullptr)));
    if (!aia) {
        ERR_clear_error();
        return std::nullopt;
    }
    for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia.get()); ++i) {
        const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), i);
        if (OBJ_obj2nid(ad->method) != NID_ad_OCSP || ad->location->type != GEN_URI) continue;
        const ASN1_IA5STRING* uri = ad->location->d.uniformResourceIdentifier;
        std::string url(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                        static_cast<std::size_t>(ASN1_STRING_length(uri)));
        if (!url.empty()) return url;
    }
    return std::nullopt;
}

std::string build_ocsp_request(X509* leaf, X509* issuer) {
    ossl::OcspRequestPtr request(OCSP_REQUEST_new());
    ossl::OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), leaf, issuer));
    // OCSP_request_add0_id takes the CertID over on success.
    if (!request || !id || !OCSP_request_add0_id(request.get(), id.get())) {
        ERR_clear_error();
        throw OcspError("cannot build an OCSP request for the certificate");
    }
    (void)id.release();
    unsigned char* der = nullptr;
    const int len = i2d_OCSP_REQUEST(request.get(), &der);
    if (len <= 0) {
        ERR_clear_error();
        throw OcspError("cannot encode the OCSP request");
    }
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

}  // namespace certa::acme
