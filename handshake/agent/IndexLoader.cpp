#include "handshake/agent/IndexLoader.hpp"

#include "handshake/agent/HeapTrim.hpp"
#include "storage/names/NameNormalizer.hpp"

#include <algorithm>
#include <exception>
#include <iterator>
#include <stdexcept>
#include <thread>
#include <utility>

namespace certa::handshake {
namespace {

constexpr std::size_t kMaxParts = 4;

}  // namespace

IndexLoader::IndexLoader(std::unique_ptr<storage::Store> store, OpenConnection open_more)
    : store_(std::move(store)), open_more_(std::move(open_more)) {
    if (!store_) throw std::invalid_argument("IndexLoader needs a store");
}

void IndexLoader::collect(const storage::IndexRow& row, const CertIndex& base, Changes& out) {
    CertIndex::Row r{{row.id, row.not_before, row.not_after, key_algorithm_from(row.key_type)}, {}};
    r.names.reserve(row.names.size());
    for (const auto& raw : row.names)
        if (auto name = storage::normalize_index_name(raw)) r.names.push_back(std::move(*name));
    if (r.names.empty()) return;  // nothing a handshake could ask for
    // A row's chain, key and names never change (a renewal is a new row):
    // an active row already indexed stays as it is.
    const bool indexed = base.contains(row.id, r.names.front());
    const bool active = row.status == storage::CertificateStatus::Active;
    if (active && !indexed)
        out.added.push_back(std::move(r));
    else if (!active && indexed)
        out.removed.push_back(std::move(r));
}

std::size_t IndexLoader::first_load_parts() const {
    if (!open_more_ || current_) return 1;
    return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, kMaxParts);
}

void IndexLoader::read_changes(std::int64_t since, const CertIndex& base, Changes& out) {
    const std::size_t parts = first_load_parts();
    // Extra connections first: when one cannot be opened, one connection reads everything.
    std::vector<std::unique_ptr<storage::Store>> extra;
    try {
        for (std::size_t i = 1; i < parts; ++i) extra.push_back(open_more_());
    } catch (const std::exception&) {
        extra.clear();
    }
    const auto n = static_cast<std::int64_t>(extra.size() + 1);
    std::vector<Changes> shares(extra.size());
    std::vector<std::exception_ptr> errors(extra.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < extra.size(); ++i)
        threads.emplace_back([&, i] {
            try {
                extra[i]->visit_index_rows_changed_since(
                    since, [&](const storage::IndexRow& row) { collect(row, base, shares[i]); },
                    storage::IndexSlice{static_cast<std::int64_t>(i + 1), n});
            } catch (...) {
                errors[i] = std::current_exception();
            }
        });
    std::exception_ptr mine;
    try {
        // Streamed, without PEM: no row is held beyond its own visit.
        store_->visit_index_rows_changed_since(
            since, [&](const storage::IndexRow& row) { collect(row, base, out); }, storage::IndexSlice{0, n});
    } catch (...) {
        mine = std::current_exception();
    }
    for (auto& t : threads) t.join();
    if (mine) std::rethrow_exception(mine);
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    for (auto& share : shares) {
        out.added.insert(out.added.end(), std::make_move_iterator(share.added.begin()),
                         std::make_move_iterator(share.added.end()));
        out.removed.insert(out.removed.end(), std::make_move_iterator(share.removed.begin()),
                           std::make_move_iterator(share.removed.end()));
    }
}

std::shared_ptr<const Snapshot> IndexLoader::load() {
    // Read the generation FIRST: everything committed up to it is then part of
    // the reads below. Rows committed meanwhile may be read too (by any slice);
    // the next load reads them again, and applying a row twice changes nothing.
    const std::int64_t generation = store_->current_generation();
    last_added_.clear();
    last_removed_.clear();
    last_ocsp_changed_.clear();
    if (current_ && generation == current_->generation) return nullptr;
    const std::int64_t since = current_ ? current_->generation : -1;

    static const CertIndex empty;
    const CertIndex& base = current_ ? *current_->certs : empty;
    Changes changes;
    read_changes(since, base, changes);
    for (const auto& r : changes.added) last_added_.push_back(r.record);
    for (const auto& r : changes.removed) last_removed_.push_back(r.record.id);
    auto challenges = store_->active_challenges(storage::ChallengeType::TlsAlpn01);
    // Nothing is cached before the first load: only later loads look at OCSP rows.
    if (current_) last_ocsp_changed_ = store_->ocsp_changed_since(since);
    note_large_free(changes.added.size() * (sizeof(CertIndex::Row) + 64));  // freed on return

    auto snapshot = std::make_shared<Snapshot>();
    snapshot->generation = generation;
    snapshot->challenges = std::make_shared<const ChallengeIndex>(challenges);
    snapshot->certs = (current_ && changes.removed.empty() && changes.added.empty())
                          ? current_->certs
                          : base.with_changes(changes.removed, changes.added, first_load_parts());
    current_ = snapshot;
    return snapshot;
}

}  // namespace certa::handshake
