#include "storage/StoreTypes.hpp"

#include <stdexcept>

namespace certa::storage {

const char* to_string(CertificateStatus status) {
    switch (status) {
    case CertificateStatus::Active: return "active";
    case CertificateStatus::Replaced: return "replaced";
    case CertificateStatus::Revoked: return "revoked";
    }
    return "active";
}

CertificateStatus certificate_status_from(const std::string& text) {
    if (text == "active") return CertificateStatus::Active;
    if (text == "replaced") return CertificateStatus::Replaced;
    if (text == "revoked") return CertificateStatus::Revoked;
    throw std::invalid_argument("unknown certificate status '" + text + "' (active, replaced, revoked)");
}

RenewalState renewal_state_of(const CertificateRecord& c) {
    return {c.ari_window_start, c.ari_window_end, c.ari_next_check, c.renew_at, c.next_attempt, c.failures, c.last_error};
}

const char* to_string(ChallengeType type) {
    switch (type) {
    case ChallengeType::Http01: return "http-01";
    case ChallengeType::Dns01: return "dns-01";
    case ChallengeType::TlsAlpn01: return "tls-alpn-01";
    }
    return "http-01";
}

ChallengeType challenge_type_from(const std::string& text) {
    if (text == "http-01") return ChallengeType::Http01;
    if (text == "dns-01") return ChallengeType::Dns01;
    if (text == "tls-alpn-01") return ChallengeType::TlsAlpn01;
    throw std::invalid_argument("unknown challenge type '" + text + "' (http-01, dns-01, tls-alpn-01)");
}

}  // namespace certa::storage
