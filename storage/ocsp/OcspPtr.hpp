// RAII owners for OpenSSL's OCSP objects (RFC 6960), beside storage/base/OpenSsl.hpp's,
// kept apart so that only OCSP code includes <openssl/ocsp.h>.
#pragma once

#include "storage/base/OpenSsl.hpp"

#include <openssl/ocsp.h>

#include <memory>

namespace certa::ossl {

using OcspResponsePtr = std::unique_ptr<OCSP_RESPONSE, Deleter<OCSP_RESPONSE, OCSP_RESPONSE_free>>;
using OcspBasicPtr = std::unique_ptr<OCSP_BASICRESP, Deleter<OCSP_BASICRESP, OCSP_BASICRESP_free>>;
using OcspCertIdPtr = std::unique_ptr<OCSP_CERTID, Deleter<OCSP_CERTID, OCSP_CERTID_free>>;
using OcspRequestPtr = std::unique_ptr<OCSP_REQUEST, Deleter<OCSP_REQUEST, OCSP_REQUEST_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;

}  // namespace certa::ossl
