// Label shape and row reading for the renewal failure class (RenewalErrorClass.hpp).
#include "storage/RenewalErrorClass.hpp"

#include <cctype>

namespace certa::storage {

std::string error_class_label(std::string_view raw) {
    std::string out;
    for (char c : raw) {
        if (out.size() == error_class::kMaxLength) break;
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') break;
        out += c;
    }
    return out.empty() ? std::string(error_class::kOther) : out;
}

std::string renewal_error_class(const CertificateRecord& cert) {
    if (cert.last_error.empty()) return std::string(error_class::kNone);
    return error_class_label(cert.last_error_class);
}

}  // namespace certa::storage
