// Reads the store and produces snapshots. Owns the agent's Store connection;
// it is NOT thread-safe (the agent serializes calls). Reads names and
// metadata only, never PEM (the MaterialCache reads a row's PEM by id on a
// miss); after the first load only changed rows (Store::index_rows_changed_since).
#pragma once

#include "handshake/agent/Snapshot.hpp"
#include "storage/Store.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace certa::handshake {

class IndexLoader {
public:
    explicit IndexLoader(std::unique_ptr<storage::Store> store);

    // A new snapshot when the store's generation moved since the last load (or
    // on the first call), else nullptr. Throws storage::StoreError when the
    // store cannot be read; the previous state is kept then.
    std::shared_ptr<const Snapshot> load();

    // The certificates the last load() added to / removed from the index.
    const std::vector<IndexRecord>& last_added() const { return last_added_; }
    const std::vector<std::int64_t>& last_removed() const { return last_removed_; }
    // Certificates whose OCSP row the last load() saw change (their staple is stale in memory).
    const std::vector<std::int64_t>& last_ocsp_changed() const { return last_ocsp_changed_; }

private:
    std::unique_ptr<storage::Store> store_;
    std::shared_ptr<const Snapshot> current_;
    std::vector<IndexRecord> last_added_;
    std::vector<std::int64_t> last_removed_;
    std::vector<std::int64_t> last_ocsp_changed_;
};

}  // namespace certa::handshake
