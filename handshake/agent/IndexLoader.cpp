#include "handshake/agent/IndexLoader.hpp"

#include "handshake/agent/HeapTrim.hpp"
#include "storage/names/NameNormalizer.hpp"

#include <stdexcept>
#include <utility>

namespace certa::handshake {

IndexLoader::IndexLoader(std::unique_ptr<storage::Store> store) : store_(std::move(store)) {
    if (!store_) throw std::invalid_argument("IndexLoader needs a store");
}

std::shared_ptr<const Snapshot> IndexLoader::load() {
    // Read the generation FIRST: everything committed up to it is then part of
    // the reads below. Rows committed meanwhile may be read too; the next load
    // reads them again, and applying a row twice changes nothing.
    const std::int64_t generation = store_->current_generation();
    last_added_.clear();
    last_removed_.clear();
    last_ocsp_changed_.clear();
    if (current_ && generation == current_->generation) return nullptr;
    const std::int64_t since = current_ ? current_->generation : -1;

    static const CertIndex empty;
    const CertIndex& base = current_ ? *current_->certs : empty;
    std::vector<CertIndex::Row> removed, added;
    // Streamed, without PEM: no row is held beyond its own visit.
    store_->visit_index_rows_changed_since(since, [&](const storage::IndexRow& row) {
        CertIndex::Row r{{row.id, row.not_before, row.not_after, key_algorithm_from(row.key_type)}, {}};
        r.names.reserve(row.names.size());
        for (const auto& raw : row.names)
            if (auto name = storage::normalize_index_name(raw)) r.names.push_back(std::move(*name));
        if (r.names.empty()) return;  // nothing a handshake could ask for
        // A row's chain, key and names never change (a renewal is a new row):
        // an active row already indexed stays as it is.
        const bool indexed = base.contains(row.id, r.names.front());
        const bool active = row.status == storage::CertificateStatus::Active;
        if (active && !indexed) {
            last_added_.push_back(r.record);
            added.push_back(std::move(r));
        } else if (!active && indexed) {
            last_removed_.push_back(row.id);
            removed.push_back(std::move(r));
        }
    });
    auto challenges = store_->active_challenges(storage::ChallengeType::TlsAlpn01);
    // Nothing is cached before the first load: only later loads look at OCSP rows.
    if (current_) last_ocsp_changed_ = store_->ocsp_changed_since(since);
    note_large_free(added.size() * (sizeof(CertIndex::Row) + 64));  // freed on return

    auto snapshot = std::make_shared<Snapshot>();
    snapshot->generation = generation;
    snapshot->challenges = std::make_shared<const ChallengeIndex>(challenges);
    snapshot->certs = (current_ && removed.empty() && added.empty()) ? current_->certs
                                                                      : base.with_changes(removed, added);
    current_ = snapshot;
    return snapshot;
}

}  // namespace certa::handshake
