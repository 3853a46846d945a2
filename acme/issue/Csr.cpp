#include "acme/issue/Csr.hpp"

#include "acme/request/SubjectAltNames.hpp"
#include "storage/base/OpenSsl.hpp"

#include <stdexcept>

namespace certa::acme {
namespace {

void free_extensions(STACK_OF(X509_EXTENSION) * s) { sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free); }
using ExtStackPtr = std::unique_ptr<STACK_OF(X509_EXTENSION), ossl::Deleter<STACK_OF(X509_EXTENSION), free_extensions>>;

void check(int ok, const char* what) {
    if (ok != 1) throw std::runtime_error(std::string("CSR: ") + what + ": " + ossl::last_error());
}

// ECDSA P-384 pairs with SHA-384; everything else signs with SHA-256.
const EVP_MD* digest_for(EVP_PKEY* key) {
    return EVP_PKEY_get_bits(key) == 384 && EVP_PKEY_is_a(key, "EC") ? EVP_sha384() : EVP_sha256();
}

}  // namespace

std::string make_csr_der(const std::vector<Identifier>& identifiers, EVP_PKEY* key) {
    if (identifiers.empty()) throw std::invalid_argument("CSR: no identifiers");
    ossl::X509ReqPtr req(X509_REQ_new());
    if (!req) throw std::runtime_error("CSR: out of memory");
    check(X509_REQ_set_version(req.get(), 0), "version");

    // CN is limited to 64 characters (RFC 5280 ub-common-name); the SAN is what counts.
    for (const auto& id : identifiers) {
        if (id.is_ip() || id.value.size() > 64) continue;
        X509_NAME* subject = X509_REQ_get_subject_name(req.get());
        check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                         reinterpret_cast<const unsigned char*>(id.value.c_str()), -1, -1, 0),
              "subject");
        break;
    }
    check(X509_REQ_set_pubkey(req.get(), key), "public key");

    ExtStackPtr exts(sk_X509_EXTENSION_new_null());
    if (!exts) throw std::runtime_error("CSR: out of memory");
    ossl::X509ExtPtr san = subject_alt_names(identifiers);
    if (sk_X509_EXTENSION_push(exts.get(), san.get()) <= 0) throw std::runtime_error("CSR: out of memory");
    san.release();
    check(X509_REQ_add_extensions(req.get(), exts.get()), "extensions");
    if (X509_REQ_sign(req.get(), key, digest_for(key)) <= 0)
        throw std::runtime_error("CSR: signing failed: " + ossl::last_error());

    int len = i2d_X509_REQ(req.get(), nullptr);
    if (len <= 0) throw std::runtime_error("CSR: DER encoding failed");
    std::string der(static_cast<size_t>(len), '\0');
    auto* p = reinterpret_cast<unsigned char*>(der.data());
    i2d_X509_REQ(req.get(), &p);
    return der;
}

}  // namespace certa::acme
