#include "acme/ocsp/OcspResponseCheck.hpp"

#include "acme/ocsp/OcspError.hpp"
#include "storage/ocsp/OcspPtr.hpp"

#include <openssl/err.h>

namespace certa::acme {

namespace {

// OCSP_basic_verify with the issuer as the only (partial-chain) trust anchor:
// the signer is the issuer itself, or a certificate it issued that carries
// id-kp-OCSPSigning (OpenSSL's ocsp_check_issuer / ocsp_check_delegated).
void verify_signature(OCSP_BASICRESP* basic, X509* issuer) {
    ossl::X509StorePtr store(X509_STORE_new());
    ossl::X509StackPtr certs(sk_X509_new_null());
    if (!store || !certs || X509_STORE_add_cert(store.get(), issuer) != 1 ||
        X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN) != 1 || X509_up_ref(issuer) != 1) {
        ERR_clear_error();
        throw OcspError("cannot set up the OCSP signature check");
    }
    if (!sk_X509_push(certs.get(), issuer)) {
        X509_free(issuer);
        throw OcspError("cannot set up the OCSP signature check");
    }
    if (OCSP_basic_verify(basic, certs.get(), store.get(), 0) != 1) {
        ERR_clear_error();
        throw OcspError("the OCSP response is not signed by the certificate's issuer or a responder it delegated");
    }
}

}  // namespace

storage::OcspAnswer check_ocsp_response(const std::string& der, X509* leaf, X509* issuer, storage::UnixTime now) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ossl::OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    if (!response) {
        ERR_clear_error();
        throw OcspError("the OCSP responder's answer does not parse");
    }
    // RFC 6960 §4.2.1: anything but successful carries no answer.
    const int status = OCSP_response_status(response.get());
    if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL)
        throw OcspError(std::string("the OCSP responder answered ") + OCSP_response_status_str(status));
    ossl::OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
    if (!basic) {
        ERR_clear_error();
        throw OcspError("the OCSP response is not a basic response");
    }
    verify_signature(basic.get(), issuer);
    auto answer = storage::ocsp_answer_for(der, leaf, issuer);
    if (!answer) throw OcspError("the OCSP response does not answer for this certificate");
    if (!storage::ocsp_answer_current(answer->this_update, answer->next_update, now))
        throw OcspError("the OCSP response is not current (thisUpdate in the future or nextUpdate passed)");
    return *answer;
}

}  // namespace certa::acme
