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

std::string encode_contact(const std::vector<std::string>& contact) {
    std::string out;
    for (const auto& url : contact)
        if (!url.empty()) out += (out.empty() ? "" : ",") + url;
    return out;
}

std::vector<std::string> decode_contact(std::string_view column) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < column.size()) {
        const auto comma = column.find(',', start);
        const auto end = comma == std::string_view::npos ? column.size() : comma;
        if (end > start) out.emplace_back(column.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

RenewalState renewal_state_of(const CertificateRecord& c) {
    return {c.ari_window_start, c.ari_window_end, c.ari_next_check, c.renew_at,
            c.next_attempt,     c.failures,       c.last_error,     c.last_error_class};
}

}  // namespace certa::storage
