#include "acme/issue/Csr.hpp"
#include "storage/KeyGeneration.hpp"
#include "storage/base/OpenSsl.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace certa;

namespace {

ossl::X509ReqPtr parse(const std::string& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    return ossl::X509ReqPtr(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
}

void free_exts(STACK_OF(X509_EXTENSION) * s) { sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free); }
using ExtsPtr = std::unique_ptr<STACK_OF(X509_EXTENSION), ossl::Deleter<STACK_OF(X509_EXTENSION), free_exts>>;

// Every SAN entry as "DNS:x" or "IP:a.b.c.d".
std::set<std::string> san_entries(X509_REQ* req) {
    std::set<std::string> out;
    ExtsPtr exts(X509_REQ_get_extensions(req));
    REQUIRE(exts);
    ossl::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509V3_get_d2i(exts.get(), NID_subject_alt_name, nullptr, nullptr)));
    REQUIRE(names);
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
        if (n->type == GEN_DNS) {
            out.insert("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(n->d.dNSName)),
                                            static_cast<size_t>(ASN1_STRING_length(n->d.dNSName))));
        } else if (n->type == GEN_IPADD) {
            const unsigned char* b = ASN1_STRING_get0_data(n->d.iPAddress);
            REQUIRE(ASN1_STRING_length(n->d.iPAddress) == 4);
            out.insert("IP:" + std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." +
                       std::to_string(b[3]));
        } else {
            out.insert("other");
        }
    }
    return out;
}

std::string common_name(X509_REQ* req) {
    X509_NAME* name = X509_REQ_get_subject_name(req);
    int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0) return {};
    ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<size_t>(ASN1_STRING_length(s)));
}

}  // namespace

TEST_CASE("CSR carries every identifier in the SAN, is signed by the key, CN is the first DNS name") {
    for (const char* key_type : {"ec256", "ec384", "rsa2048"}) {
        CAPTURE(key_type);
        ossl::PKeyPtr key = storage::generate_key(key_type);
        auto ids = acme::parse_identifiers({"127.0.0.1", "www.example.com", "*.example.org"});
        ossl::X509ReqPtr req = parse(acme::make_csr_der(ids, key.get()));
        REQUIRE(req);
        CHECK(X509_REQ_verify(req.get(), key.get()) == 1);
        CHECK(EVP_PKEY_eq(X509_REQ_get0_pubkey(req.get()), key.get()) == 1);
        CHECK(san_entries(req.get()) == std::set<std::string>{"IP:127.0.0.1", "DNS:www.example.com", "DNS:*.example.org"});
        CHECK(common_name(req.get()) == "www.example.com");
    }
}

TEST_CASE("CSR for an IP only has no CN; a name over 64 characters is not a CN") {
    ossl::PKeyPtr key = storage::generate_key("ec256");
    ossl::X509ReqPtr ip_only = parse(acme::make_csr_der(acme::parse_identifiers({"10.1.2.3"}), key.get()));
    REQUIRE(ip_only);
    CHECK(common_name(ip_only.get()).empty());
    CHECK(san_entries(ip_only.get()) == std::set<std::string>{"IP:10.1.2.3"});

    const std::string longname = std::string(40, 'a') + "." + std::string(40, 'b') + ".example";
    ossl::X509ReqPtr req = parse(acme::make_csr_der(acme::parse_identifiers({longname, "short.example"}), key.get()));
    REQUIRE(req);
    CHECK(common_name(req.get()) == "short.example");
    CHECK_THROWS(acme::make_csr_der({}, key.get()));
}
