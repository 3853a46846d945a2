#include "handshake/agent/IndexLoader.hpp"

#include "handshake/agent/HeapTrim.hpp"

#include <openssl/crypto.h>

#include <stdexcept>
#include <utility>

namespace certa::handshake {

IndexLoader::IndexLoader(std::unique_ptr<storage::Store> store, std::shared_ptr<ParseBudget> budget,
                         std::shared_ptr<PemSource> pems)
    : store_(std::move(store)), budget_(std::move(budget)), pems_(std::move(pems)) {
    if (!store_) throw std::invalid_argument("IndexLoader needs a store");
}

std::shared_ptr<const Snapshot> IndexLoader::load() {
    // Read the generation FIRST: everything committed up to it is then part of
    // the reads below. Rows committed meanwhile may be read too; the next load
    // reads them again, and applying a row twice changes nothing.
    const std::int64_t generation = store_->current_generation();
    last_added_.clear();
    if (current_ && generation == current_->generation) return nullptr;
    const std::int64_t since = current_ ? current_->generation : -1;

    // The slim query: no settings, renewal state or PEM of inactive rows; on
    // the first load with a PemSource no PEM at all.
    const bool lazy = !current_ && pems_;
    auto rows = store_->index_rows_changed_since(since, !lazy);
    auto challenges = store_->active_challenges(storage::ChallengeType::TlsAlpn01);

    // The last version of each row wins (rows come ordered by generation).
    std::unordered_map<std::int64_t, storage::IndexRow*> latest;
    latest.reserve(rows.size());
    if (active_.empty()) active_.reserve(rows.size());
    for (auto& row : rows) latest[row.id] = &row;

    std::vector<std::shared_ptr<const CertEntry>> removed, added;
    std::vector<storage::IndexRow*> new_rows;
    std::size_t pem_bytes = 0;
    for (const auto& [id, row] : latest) {
        auto it = active_.find(id);
        bool active = row->status == storage::CertificateStatus::Active;
        // A row's chain, key and names never change (a renewal is a new row),
        // so an active row already indexed is kept with its parsed material.
        if (it != active_.end()) {
            if (active) continue;
            removed.push_back(it->second);
            active_.erase(it);
        } else if (active) {
            new_rows.push_back(row);
            pem_bytes += row->chain_pem.size() + row->key_pem.size();
        }
    }
    // The new rows' PEM text goes into one block that they share (PemBatch).
    auto batch = std::make_shared<PemBatch>(pem_bytes);
    added.reserve(new_rows.size());
    for (storage::IndexRow* row : new_rows) {
        auto entry = lazy ? std::make_shared<const CertEntry>(std::as_const(*row), budget_, pems_)
                          : std::make_shared<const CertEntry>(std::move(*row), budget_, batch);
        added.push_back(entry);
        active_.emplace(entry->id(), std::move(entry));
    }
    batch.reset();  // the entries hold it now

    // Rows not taken over still hold private keys: wipe them before they are freed.
    std::size_t row_bytes = rows.size() * sizeof(storage::IndexRow) + pem_bytes;  // the new entries' copies too
    for (auto& row : rows) {
        row_bytes += row.key_pem.capacity() + row.chain_pem.capacity();
        if (!row.key_pem.empty()) OPENSSL_cleanse(row.key_pem.data(), row.key_pem.size());
    }
    note_large_free(row_bytes);  // freed on return

    auto snapshot = std::make_shared<Snapshot>();
    snapshot->generation = generation;
    snapshot->challenges = std::make_shared<const ChallengeIndex>(challenges);
    if (current_ && removed.empty() && added.empty()) {
        snapshot->certs = current_->certs;
    } else {
        static const CertIndex empty;
        const CertIndex& base = current_ ? *current_->certs : empty;
        snapshot->certs = base.with_changes(removed, added);
    }
    current_ = snapshot;
    last_added_ = std::move(added);
    return snapshot;
}

}  // namespace certa::handshake
