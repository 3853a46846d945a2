#include "acme/request/SubjectAltNames.hpp"

#include <arpa/inet.h>

#include <array>
#include <stdexcept>

namespace certa::acme {
namespace {

using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, ossl::Deleter<GENERAL_NAME, GENERAL_NAME_free>>;

GeneralNamePtr make_name(const Identifier& id) {
    GeneralNamePtr name(GENERAL_NAME_new());
    if (!name) throw std::runtime_error("out of memory");
    if (id.is_ip()) {
        std::array<unsigned char, 16> bytes{};
        int len = 0;
        if (inet_pton(AF_INET, id.value.c_str(), bytes.data()) == 1) len = 4;
        else if (inet_pton(AF_INET6, id.value.c_str(), bytes.data()) == 1) len = 16;
        else throw std::runtime_error("not an IP address: " + id.value);
        ossl::Asn1OctetPtr ip(ASN1_OCTET_STRING_new());
        if (!ip || ASN1_OCTET_STRING_set(ip.get(), bytes.data(), len) != 1) throw std::runtime_error("out of memory");
        GENERAL_NAME_set0_value(name.get(), GEN_IPADD, ip.release());
    } else {
        ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
        if (!dns || ASN1_STRING_set(dns, id.value.data(), static_cast<int>(id.value.size())) != 1) {
            ASN1_IA5STRING_free(dns);
            throw std::runtime_error("out of memory");
        }
        GENERAL_NAME_set0_value(name.get(), GEN_DNS, dns);
    }
    return name;
}

}  // namespace

ossl::X509ExtPtr subject_alt_names(const std::vector<Identifier>& identifiers) {
    ossl::GeneralNamesPtr names(GENERAL_NAMES_new());
    if (!names) throw std::runtime_error("out of memory");
    for (const auto& id : identifiers) {
        GeneralNamePtr name = make_name(id);
        if (sk_GENERAL_NAME_push(names.get(), name.get()) <= 0) throw std::runtime_error("out of memory");
        name.release();  // owned by the stack now
    }
    ossl::X509ExtPtr ext(X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get()));
    if (!ext) throw std::runtime_error("cannot encode subjectAltName: " + ossl::last_error());
    return ext;
}

}  // namespace certa::acme
