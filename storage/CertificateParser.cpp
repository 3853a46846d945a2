#include "storage/CertificateParser.hpp"

#include "storage/base/Base64Url.hpp"
#include "storage/StoreError.hpp"
#include "storage/names/NameNormalizer.hpp"

#include <arpa/inet.h>

#include <ctime>

namespace certa::storage {

namespace {

StoreError invalid(const std::string& message) { return StoreError(StoreError::Kind::Invalid, message); }

UnixTime to_unix(const ASN1_TIME* time) {
    std::tm tm{};
    if (!time || ASN1_TIME_to_tm(time, &tm) != 1) throw invalid("certificate has an unreadable validity time");
    return static_cast<UnixTime>(timegm(&tm));
}

size_t count_pem_certificates(std::string_view pem) {
    size_t count = 0;
    for (size_t at = pem.find("-----BEGIN "); at != std::string_view::npos; at = pem.find("-----BEGIN ", at + 1))
        ++count;
    return count;
}

// The content octets of the serial's DER INTEGER (with a leading 00 when the
// high bit is set), as RFC 9773 wants them.
std::string serial_der_content(X509* leaf) {
    const ASN1_INTEGER* serial = X509_get0_serialNumber(leaf);
    int len = i2d_ASN1_INTEGER(serial, nullptr);
    if (len < 3) throw invalid("certificate has an unreadable serial number");
    std::string der(static_cast<size_t>(len), '\0');
    auto* p = reinterpret_cast<unsigned char*>(der.data());
    i2d_ASN1_INTEGER(serial, &p);
    auto first_len = static_cast<unsigned char>(der[1]);
    size_t header = first_len < 0x80 ? 2 : 2 + (first_len & 0x7f);
    if (header >= der.size()) throw invalid("certificate has an unreadable serial number");
    return der.substr(header);
}

std::string aki_key_id(X509* leaf) {
    const ASN1_OCTET_STRING* id = X509_get0_authority_key_id(leaf);
    if (!id) return {};
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(id)),
                       static_cast<size_t>(ASN1_STRING_length(id)));
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
    char buf[INET6_ADDRSTRLEN] = {};
    int len = ASN1_STRING_length(ip);
    const unsigned char* data = ASN1_STRING_get0_data(ip);
    if (len == 4) inet_ntop(AF_INET, data, buf, sizeof buf);
    else if (len == 16) inet_ntop(AF_INET6, data, buf, sizeof buf);
    return buf;
}

std::vector<std::string> san_names(X509* leaf) {
    std::vector<std::string> names;
    ossl::GeneralNamesPtr sans(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr)));
    if (!sans) return names;
    const NameRules exact{.allow_wildcard = true, .spaces = NameRules::Spaces::Exact};
    NormalizedName canonical;
    for (int i = 0; i < sk_GENERAL_NAME_num(sans.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans.get(), i);
        std::string text;
        if (name->type == GEN_DNS) {
            text.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.dNSName)),
                        static_cast<size_t>(ASN1_STRING_length(name->d.dNSName)));
        } else if (name->type == GEN_IPADD) {
            text = ip_text(name->d.iPAddress);
        }
        if (text.empty()) continue;
        if (normalize_name(text, exact, canonical) == NameProblem::None) names.push_back(canonical.name);
        else names.push_back(lowercase(text));
    }
    return names;
}

}  // namespace

std::string ari_cert_id(std::string_view aki_bytes, std::string_view serial_der_content) {
    return base64url_encode(aki_bytes) + "." + base64url_encode(serial_der_content);
}

std::string serial_hex(X509* leaf) { return hex_encode(serial_der_content(leaf), true); }

ChainInfo parse_chain(std::string_view chain_pem) {
    ChainInfo info;
    info.chain = ossl::parse_chain_pem(chain_pem);
    if (info.chain.empty()) throw invalid("certificate chain holds no PEM certificate");
    if (info.chain.size() != count_pem_certificates(chain_pem))
        throw invalid("certificate chain holds a PEM block that is not a certificate");
    X509* leaf = info.chain.front().get();
    info.not_before = to_unix(X509_get0_notBefore(leaf));
    info.not_after = to_unix(X509_get0_notAfter(leaf));
    std::string serial = serial_der_content(leaf);
    info.serial_hex = hex_encode(serial, true);
    std::string aki = aki_key_id(leaf);
    info.aki_hex = hex_encode(aki, true);
    if (!aki.empty()) info.ari_cert_id = ari_cert_id(aki, serial);
    info.names = san_names(leaf);
    return info;
}

}  // namespace certa::storage
