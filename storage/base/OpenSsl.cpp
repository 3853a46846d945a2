#include "storage/base/OpenSsl.hpp"


#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <stdexcept>

namespace certa::ossl {

// OPENSSL_free is a macro; this gives it an address for Deleter.
static void free_openssl_bytes(unsigned char* p) { OPENSSL_free(p); }

std::string last_error() {
    std::string out;
    unsigned long code;
    char buf[256];
    while ((code = ERR_get_error()) != 0) {
        ERR_error_string_n(code, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out.empty() ? "unknown OpenSSL error" : out;
}

static BioPtr memory_bio(std::string_view data) {
    return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string issuer_common_name(X509* cert) {
    X509_NAME* issuer = cert ? X509_get_issuer_name(cert) : nullptr;
    if (issuer == nullptr) return {};
    int idx = X509_NAME_get_index_by_NID(issuer, NID_commonName, -1);
    if (idx < 0) return {};
    unsigned char* raw = nullptr;
    int len = ASN1_STRING_to_UTF8(&raw, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(issuer, idx)));
    if (len < 0) return {};
    const std::unique_ptr<unsigned char, Deleter<unsigned char, free_openssl_bytes>> utf8(raw);
    return std::string(reinterpret_cast<const char*>(utf8.get()), static_cast<std::size_t>(len));
}

std::vector<X509Ptr> parse_chain_pem(std::string_view pem) {
    std::vector<X509Ptr> out;
    auto bio = memory_bio(pem);
    if (!bio) return out;
    while (true) {
        X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert) break;
        out.push_back(std::move(cert));
    }
    ERR_clear_error();  // the loop always ends on a "no start line" error
    return out;
}

PKeyPtr parse_key_pem(std::string_view pem) {
    auto bio = memory_bio(pem);
    if (!bio) return nullptr;
    PKeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key) ERR_clear_error();
    return key;
}

static std::string drain(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<size_t>(len));
}

std::string to_pem(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) throw std::runtime_error("PEM encoding failed");
    return drain(bio.get());
}

std::string to_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw std::runtime_error("PEM encoding failed");
    return drain(bio.get());
}

std::string to_der(X509* cert) {
    int len = i2d_X509(cert, nullptr);
    if (len <= 0) throw std::runtime_error("DER encoding failed");
    std::string out(static_cast<size_t>(len), '\0');
    auto* p = reinterpret_cast<unsigned char*>(out.data());
    i2d_X509(cert, &p);
    return out;
}

bool key_matches(X509* cert, EVP_PKEY* key) {
    EVP_PKEY* pub = X509_get0_pubkey(cert);
    if (!pub || !key) return false;
    bool same = EVP_PKEY_eq(pub, key) == 1;
    ERR_clear_error();
    return same;
}

}  // namespace certa::ossl
