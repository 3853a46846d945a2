// Reads the store and produces snapshots. Owns the agent's Store connection;
// it is NOT thread-safe (the agent serializes calls). Only changed rows are
// read after the first load (Store::index_rows_changed_since).
#pragma once

#include "handshake/agent/PemSource.hpp"
#include "handshake/agent/Snapshot.hpp"
#include "storage/Store.hpp"

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace certa::handshake {

class IndexLoader {
public:
    // New entries count themselves in `budget` (may be null) while parsed.
    // With `pems`, the FIRST load reads no PEM: its entries fetch theirs from
    // `pems` when first parsed, so that open() at 100k certificates reads a
    // few MB instead of every chain and key. Later loads read PEM as before.
    explicit IndexLoader(std::unique_ptr<storage::Store> store, std::shared_ptr<ParseBudget> budget = nullptr,
                         std::shared_ptr<PemSource> pems = nullptr);

    // A new snapshot when the store's generation moved since the last load (or
    // on the first call), else nullptr. Throws storage::StoreError when the
    // store cannot be read; the previous state is kept then.
    std::shared_ptr<const Snapshot> load();

    // The entries the last load() added to the index (for pre-parsing).
    const std::vector<std::shared_ptr<const CertEntry>>& last_added() const { return last_added_; }

private:
    std::unique_ptr<storage::Store> store_;
    std::shared_ptr<ParseBudget> budget_;
    std::shared_ptr<PemSource> pems_;
    std::shared_ptr<const Snapshot> current_;
    // Active rows currently indexed, by row id.
    std::unordered_map<std::int64_t, std::shared_ptr<const CertEntry>> active_;
    std::vector<std::shared_ptr<const CertEntry>> last_added_;
};

}  // namespace certa::handshake
