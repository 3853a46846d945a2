#include "storage/ocsp/OcspAnswer.hpp"

#include "storage/ocsp/OcspPtr.hpp"

#include <openssl/err.h>

#include <ctime>

namespace certa::storage {

namespace {

UnixTime unix_time(const ASN1_GENERALIZEDTIME* time) {
    std::tm tm{};
    if (!time || ASN1_TIME_to_tm(time, &tm) != 1) return 0;
    return static_cast<UnixTime>(timegm(&tm));
}

const char* status_name(int status) {
    switch (status) {
        case V_OCSP_CERTSTATUS_GOOD: return "good";
        case V_OCSP_CERTSTATUS_REVOKED: return "revoked";
        default: return "unknown";
    }
}

}  // namespace

std::optional<OcspAnswer> ocsp_answer_for(std::string_view der, X509* leaf, X509* issuer) {
    if (der.empty() || !leaf || !issuer) return std::nullopt;
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ossl::OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    if (!response || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size() ||
        OCSP_response_status(response.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        ERR_clear_error();
        return std::nullopt;
    }
    ossl::OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
    // RFC 6960 §4.1.1: the CertID names the issuer by SHA-1 hashes (RFC 5019 §2.1.1).
    ossl::OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), leaf, issuer));
    if (!basic || !id) {
        ERR_clear_error();
        return std::nullopt;
    }
    int status = -1, reason = 0;
    ASN1_GENERALIZEDTIME *revoked = nullptr, *this_update = nullptr, *next_update = nullptr;
    if (OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &revoked, &this_update, &next_update) != 1) {
        ERR_clear_error();
        return std::nullopt;
    }
    OcspAnswer answer;
    answer.status = status_name(status);
    answer.this_update = unix_time(this_update);
    answer.next_update = next_update ? unix_time(next_update) : 0;
    answer.revoked_at = revoked ? unix_time(revoked) : 0;
    if (answer.this_update == 0) return std::nullopt;  // thisUpdate is mandatory (RFC 6960 §4.2.1)
    return answer;
}

UnixTime ocsp_answer_expiry(UnixTime this_update, UnixTime next_update) {
    constexpr UnixTime kWithoutNextUpdate = 86400;
    return next_update != 0 ? next_update : this_update + kWithoutNextUpdate;
}

bool ocsp_answer_current(UnixTime this_update, UnixTime next_update, UnixTime now, UnixTime skew) {
    if (this_update > now + skew) return false;
    return now < ocsp_answer_expiry(this_update, next_update);
}

UnixTime ocsp_refresh_time(UnixTime this_update, UnixTime next_update) {
    const UnixTime expiry = ocsp_answer_expiry(this_update, next_update);
    return this_update + (expiry - this_update) / 2;
}

}  // namespace certa::storage
