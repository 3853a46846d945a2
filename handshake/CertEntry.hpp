// One active certificate of the store as the handshake path sees it. The
// metadata needed to choose (names, key type, validity) is kept from the store
// row; the X.509 chain and private key are parsed from PEM only on first use,
// so that opening a store with 100k certificates stays fast. Once parsed the
// PEM text is dropped (the key's is cleansed); intermediates are interned
// across entries (ChainCertCache). Immutable after parsing;
// shared by every snapshot that still indexes it.
#pragma once

#include "handshake/ChainCertCache.hpp"
#include "storage/OpenSsl.hpp"
#include "storage/StoreTypes.hpp"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace certa::handshake {

enum class KeyAlgorithm { EcdsaP256, EcdsaP384, EcdsaOther, Rsa, Other };
KeyAlgorithm key_algorithm_from(const std::string& key_type);

class CertEntry {
public:
    // Takes the row's PEM text over (pass an rvalue to avoid copying it).
    explicit CertEntry(storage::CertificateRecord record);
    explicit CertEntry(storage::IndexRow record);
    ~CertEntry();
    CertEntry(const CertEntry&) = delete;
    CertEntry& operator=(const CertEntry&) = delete;

    struct Material {
        ossl::X509Ptr leaf;
        ossl::PKeyPtr key;
        ossl::X509StackPtr chain;  // intermediates, null when none; X509s shared via ChainCertCache
        // Keeps the interned intermediates alive (the stack holds its own references).
        std::vector<ChainCertCache::CertRef> interned;
        // The chain to hand to SSL_use_cert_and_key: never null, because a null
        // chain makes OpenSSL build one from the context's store on every
        // handshake; entries without intermediates share one empty stack.
        STACK_OF(X509) * chain_for_ssl() const;
    };

    std::int64_t id() const { return id_; }
    // Index names: normalized (normalize_index_name); invalid store names dropped.
    const std::vector<std::string>& names() const { return names_; }
    KeyAlgorithm key_algorithm() const { return algorithm_; }
    storage::UnixTime not_before() const { return not_before_; }
    storage::UnixTime not_after() const { return not_after_; }
    bool valid_at(storage::UnixTime now) const { return not_before_ <= now && now < not_after_; }

    // The parsed chain and key (parsed once, thread-safe). nullptr when the row
    // does not parse or the key does not match the leaf.
    const Material* material() const;
    // Whether material() has been parsed yet (for memory accounting).
    bool parsed() const;

private:
    void parse() const;

    std::int64_t id_;
    std::vector<std::string> names_;
    KeyAlgorithm algorithm_;
    storage::UnixTime not_before_;
    storage::UnixTime not_after_;
    mutable std::once_flag once_;
    mutable std::string chain_pem_;
    mutable std::string key_pem_;  // secret; cleansed once parsed
    mutable Material material_;
    mutable bool ok_ = false;
    mutable std::atomic<bool> parsed_{false};
};

}  // namespace certa::handshake
