// One active certificate of the store as the handshake path sees it. The
// metadata needed to choose (names, key type, validity) is kept from the store
// row; the X.509 chain and private key are parsed from PEM only on first use,
// so that opening a store with 100k certificates stays fast. The PEM text sits
// in a PemBatch shared with the other rows of the same load; once parsed the
// entry cleanses its key text and lets the batch go, unless the agent has a
// parse budget (ParseBudget), which may evict the parsed material again; the
// PEM is kept then to parse it anew. The leaf shares the private key's EVP_PKEY
// (LeafDecoder); intermediates are interned across entries (ChainCertCache).
// The material is immutable once parsed; the entry is shared by every snapshot
// that still indexes it.
#pragma once

#include "handshake/agent/ChainCertCache.hpp"
#include "handshake/agent/ParseBudget.hpp"
#include "handshake/agent/PemBatch.hpp"
#include "handshake/agent/PemSource.hpp"
#include "storage/base/OpenSsl.hpp"
#include "storage/StoreTypes.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace certa::handshake {

enum class KeyAlgorithm { EcdsaP256, EcdsaP384, EcdsaOther, Rsa, Other };
KeyAlgorithm key_algorithm_from(const std::string& key_type);

class CertEntry {
public:
    // Copies the row's PEM text into `batch` (which must have room for it; null:
    // a batch of the entry's own) and cleanses the row's key text. `budget`
    // (optional) counts this entry while parsed; with a limit, the entry keeps
    // its PEM so that evict() can drop the parsed material.
    // (The row keeps its strings: an index load frees all its rows at once,
    // which is much cheaper than freeing them one entry at a time.)
    explicit CertEntry(storage::CertificateRecord record, std::shared_ptr<ParseBudget> budget = nullptr);
    explicit CertEntry(storage::IndexRow&& record, std::shared_ptr<ParseBudget> budget = nullptr,
                       std::shared_ptr<PemBatch> batch = nullptr);
    // The same for a row the caller keeps (its key text is not cleansed).
    explicit CertEntry(const storage::IndexRow& record, std::shared_ptr<ParseBudget> budget = nullptr,
                       std::shared_ptr<PemBatch> batch = nullptr);
    // A row read without its PEM (Store::index_rows_changed_since with_pem
    // false): the first parse fetches chain and key from `pems` by id.
    CertEntry(const storage::IndexRow& record, std::shared_ptr<ParseBudget> budget,
              std::shared_ptr<PemSource> pems);
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

    // The parsed chain and key (parsed on first use, and again after an
    // eviction; thread-safe). The caller's reference keeps it alive through an
    // eviction. nullptr when the row does not parse or the key does not match.
    std::shared_ptr<const Material> material() const;
    // Whether material() has been parsed yet (for memory accounting).
    bool parsed() const;
    // Drops the parsed material (only with a budget limit; false otherwise or
    // when not parsed). The next material() parses the kept PEM again.
    bool evict() const;
    // Whether material() was called since the last call of this (CLOCK bit).
    bool take_referenced() const;

private:
    void parse_locked() const;
    // Fetches the PEM of a lazily loaded entry into a batch of its own; false
    // when the store cannot be read now (nothing is marked broken: the next use tries again).
    bool fetch_locked() const;
    void drop_source_locked() const;
    bool keeps_source() const { return budget_ && budget_->limit > 0; }

    std::int64_t id_;
    std::vector<std::string> names_;
    KeyAlgorithm algorithm_;
    storage::UnixTime not_before_;
    storage::UnixTime not_after_;
    std::shared_ptr<ParseBudget> budget_;
    mutable std::mutex mutex_;  // guards the PEM, material_ and broken_
    mutable std::shared_ptr<PemBatch> source_;  // holds the two spans below until they are dropped
    mutable std::shared_ptr<PemSource> pems_;   // lazily loaded entries only; dropped once parsed
    mutable std::span<char> chain_pem_;
    mutable std::span<char> key_pem_;  // secret; cleansed once parsed (unless kept for a budget)
    mutable std::shared_ptr<const Material> material_;
    mutable bool broken_ = false;  // parsed once and failed: never tried again
    mutable std::atomic<bool> parsed_{false};
    mutable std::atomic<bool> referenced_{false};
    // Set once material_ (or broken_) is final: never with a budget limit, whose evictions reset material_.
    mutable std::atomic<bool> settled_{false};
};

}  // namespace certa::handshake
