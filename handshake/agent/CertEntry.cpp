#include "handshake/agent/CertEntry.hpp"

#include "handshake/agent/KeyDecoder.hpp"
#include "handshake/agent/LeafDecoder.hpp"
#include "handshake/agent/PemDer.hpp"
#include "storage/KeyType.hpp"
#include "storage/names/NameNormalizer.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include <utility>

namespace certa::handshake {
namespace {

// The PEM chain's certificates: base64 + d2i_X509 per block (PemDer), or
// OpenSSL's PEM reader when a block does not decode that way. The leaf is
// decoded to share `key` as its public key when it can (LeafDecoder).
std::vector<ossl::X509Ptr> decode_chain(std::string_view pem, EVP_PKEY* key) {
    std::vector<ossl::X509Ptr> out;
    std::string der;
    for (std::size_t pos = 0; next_pem_block(pem, "CERTIFICATE", pos, der);) {
        if (out.empty() && key) {
            if (auto leaf = decode_leaf_sharing_key(der, key)) {
                out.push_back(std::move(leaf));
                continue;
            }
        }
        const auto* p = reinterpret_cast<const unsigned char*>(der.data());
        ossl::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
        if (!cert || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
            ERR_clear_error();
            return ossl::parse_chain_pem(pem);
        }
        out.push_back(std::move(cert));
    }
    if (out.empty()) return ossl::parse_chain_pem(pem);
    return out;
}

KeyFamily family_of(KeyAlgorithm algorithm) {
    switch (algorithm) {
        case KeyAlgorithm::EcdsaP256:
        case KeyAlgorithm::EcdsaP384:
        case KeyAlgorithm::EcdsaOther: return KeyFamily::Ec;
        case KeyAlgorithm::Rsa: return KeyFamily::Rsa;
        case KeyAlgorithm::Other: break;
    }
    return KeyFamily::Any;
}

}  // namespace

KeyAlgorithm key_algorithm_from(const std::string& key_type) {
    if (key_type == storage::kEc256) return KeyAlgorithm::EcdsaP256;
    if (key_type == storage::kEc384) return KeyAlgorithm::EcdsaP384;
    const auto shape = storage::key_type_shape(key_type);
    if (!shape) return KeyAlgorithm::Other;
    return std::string_view(shape->algorithm) == "EC" ? KeyAlgorithm::EcdsaOther : KeyAlgorithm::Rsa;
}

CertEntry::CertEntry(storage::CertificateRecord record, std::shared_ptr<ParseBudget> budget)
    : CertEntry(storage::IndexRow{record.id, std::move(record.names), std::move(record.key_type),
                                  std::move(record.key_pem), std::move(record.chain_pem), record.status,
                                  record.not_before, record.not_after, record.generation},
                std::move(budget)) {}

CertEntry::CertEntry(storage::IndexRow&& record, std::shared_ptr<ParseBudget> budget, std::shared_ptr<PemBatch> batch)
    : CertEntry(std::as_const(record), std::move(budget), std::move(batch)) {
    if (!record.key_pem.empty()) OPENSSL_cleanse(record.key_pem.data(), record.key_pem.size());
}

CertEntry::CertEntry(const storage::IndexRow& record, std::shared_ptr<ParseBudget> budget,
                     std::shared_ptr<PemBatch> batch)
    : id_(record.id),
      algorithm_(key_algorithm_from(record.key_type)),
      not_before_(record.not_before),
      not_after_(record.not_after),
      budget_(std::move(budget)) {
    for (const auto& raw : record.names) {
        if (auto name = storage::normalize_index_name(raw)) names_.push_back(std::move(*name));
    }
    if (!batch) batch = std::make_shared<PemBatch>(record.chain_pem.size() + record.key_pem.size());
    chain_pem_ = batch->append(record.chain_pem);
    key_pem_ = batch->append(record.key_pem);
    source_ = std::move(batch);
}

CertEntry::CertEntry(const storage::IndexRow& record, std::shared_ptr<ParseBudget> budget,
                     std::shared_ptr<PemSource> pems)
    : CertEntry(record, std::move(budget), std::make_shared<PemBatch>(0)) {
    source_.reset();  // nothing in it: fetch_locked() fills a batch of its own
    pems_ = std::move(pems);
}

CertEntry::~CertEntry() {
    drop_source_locked();  // nobody else holds the entry any more
    if (material_ && budget_) --budget_->parsed;
}

// Called with mutex_ held (or from the destructor): wipes this entry's key
// text, which stays in the batch until the batch's last entry lets it go.
void CertEntry::drop_source_locked() const {
    if (!key_pem_.empty()) OPENSSL_cleanse(key_pem_.data(), key_pem_.size());
    key_pem_ = {};
    chain_pem_ = {};
    source_.reset();
}

// Called with mutex_ held, for an entry whose PEM is still in the store.
bool CertEntry::fetch_locked() const {
    std::optional<PemSource::Pem> pem;
    try {
        pem = pems_->fetch(id_);
    } catch (const std::exception&) {
        return false;  // locked, unreadable: the next use tries again
    }
    if (!pem) return true;  // the row is gone: parses as broken below
    auto batch = std::make_shared<PemBatch>(pem->chain.size() + pem->key.size());
    chain_pem_ = batch->append(pem->chain);
    key_pem_ = batch->append(pem->key);
    OPENSSL_cleanse(pem->key.data(), pem->key.size());
    source_ = std::move(batch);
    pems_.reset();
    return true;
}

// Called with mutex_ held, when material_ is null and the row is not broken.
void CertEntry::parse_locked() const {
    if (pems_ && !fetch_locked()) return;
    auto key = decode_private_key(std::string_view(key_pem_.data(), key_pem_.size()), family_of(algorithm_));
    auto chain = decode_chain(std::string_view(chain_pem_.data(), chain_pem_.size()), key.get());
    parsed_.store(true, std::memory_order_release);
    const bool ok = !chain.empty() && key && ossl::key_matches(chain.front().get(), key.get());
    if (!ok || !keeps_source()) drop_source_locked();
    if (!ok) {
        ERR_clear_error();
        broken_ = true;
        return;
    }
    auto m = std::make_shared<Material>();
    if (chain.size() > 1) {
        m->chain.reset(sk_X509_new_null());
        if (!m->chain) return;  // out of memory: tried again on the next use
    }
    // Intermediates: one shared X509 per distinct DER across all entries; the
    // stack takes its own reference (freed by X509StackPtr's pop_free).
    m->interned.reserve(chain.size() - 1);
    for (std::size_t i = 1; i < chain.size(); ++i) {
        auto shared = ChainCertCache::shared().intern(std::move(chain[i]));
        if (!shared || X509_up_ref(shared.get()) != 1) return;
        ossl::X509Ptr ref(shared.get());  // the stack's own reference
        if (!sk_X509_push(m->chain.get(), ref.get())) return;
        (void)ref.release();  // now owned by the stack
        m->interned.push_back(std::move(shared));
    }
    m->leaf = std::move(chain.front());
    m->key = std::move(key);
    material_ = std::move(m);
    if (budget_) ++budget_->parsed;
}

STACK_OF(X509) * CertEntry::Material::chain_for_ssl() const {
    // Read-only once built (OpenSSL duplicates it), so one instance serves every thread.
    static const ossl::X509StackPtr empty(sk_X509_new_null());
    return chain ? chain.get() : empty.get();
}

std::shared_ptr<const CertEntry::Material> CertEntry::material() const {
    // Hot path: without a budget limit, material_ never changes once settled,
    // so handshakes read it without the lock (and write no shared CLOCK bit).
    if (settled_.load(std::memory_order_acquire)) return material_;
    if (!referenced_.load(std::memory_order_relaxed)) referenced_.store(true, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    if (!material_ && !broken_) parse_locked();
    if (!keeps_source() && (material_ || broken_)) settled_.store(true, std::memory_order_release);
    return material_;
}

bool CertEntry::parsed() const { return parsed_.load(std::memory_order_acquire); }

bool CertEntry::evict() const {
    if (!keeps_source()) return false;
    std::shared_ptr<const Material> dropped;  // freed after the lock is released
    {
        std::lock_guard lock(mutex_);
        if (!material_) return false;
        dropped = std::move(material_);
        material_.reset();
        parsed_.store(false, std::memory_order_release);
    }
    --budget_->parsed;
    ++budget_->evictions;
    return true;
}

bool CertEntry::take_referenced() const { return referenced_.exchange(false, std::memory_order_relaxed); }

}  // namespace certa::handshake
