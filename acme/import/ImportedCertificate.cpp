#include "acme/import/ImportedCertificate.hpp"

#include "acme/import/ImportError.hpp"
#include "acme/import/KeySizeLimit.hpp"
#include "storage/CertificateValidation.hpp"
#include "storage/KeyType.hpp"
#include "storage/StoreError.hpp"

namespace certa::acme {

std::string key_type_of(EVP_PKEY* key) {
    if (!key) return "";
    const int bits = EVP_PKEY_get_bits(key);
    for (const char* algorithm : {"EC", "RSA"})
        if (EVP_PKEY_is_a(key, algorithm)) return storage::key_type_name(algorithm, bits);
    return "";
}

bool renewable_key_type(const std::string& key_type) { return storage::is_key_type(key_type); }

ImportedCertificate make_imported_certificate(const std::string& label, const std::string& source,
                                              const std::string& chain_pem, const std::string& key_pem,
                                              const std::vector<std::string>& names) {
    ImportedCertificate c;
    c.label = label;
    c.source = source;
    const ossl::PKeyPtr key = ossl::parse_key_pem(key_pem);
    if (!key) {
        ossl::last_error();
        throw ImportError(label + ": the private key is not a PEM private key");
    }
    check_import_key_size(key.get(), label);
    c.input.key_type = key_type_of(key.get());
    if (c.input.key_type.empty()) throw ImportError(label + ": the private key is neither EC nor RSA");
    c.input.key_pem = key_pem;
    c.input.chain_pem = chain_pem;
    c.input.names = names;
    try {
        const storage::ChainInfo info = storage::validate_certificate(c.input, c.names);
        c.serial_hex = info.serial_hex;
        c.aki_hex = info.aki_hex;
        c.not_after = info.not_after;
    } catch (const storage::StoreError& e) {
        throw ImportError(label + ": " + e.what());
    }
    // Each certificate after the leaf must have issued the one before it.
    const auto chain = ossl::parse_chain_pem(chain_pem);
    for (std::size_t i = 1; i < chain.size(); ++i)
        if (X509_check_issued(chain[i].get(), chain[i - 1].get()) != X509_V_OK)
            throw ImportError(label + ": the chain is out of order (certificate " + std::to_string(i + 1) +
                              " did not issue certificate " + std::to_string(i) + ")");
    return c;
}

}  // namespace certa::acme
