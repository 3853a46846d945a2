// Reads the store and produces snapshots. Owns the agent's Store connection;
// it is NOT thread-safe (the agent serializes calls). Reads names and
// metadata only, never PEM (the MaterialCache reads a row's PEM by id on a
// miss); after the first load only changed rows (Store::index_rows_changed_since).
//
// The first load of a big store is read in slices (Store IndexSlice) on
// extra connections, one thread each, up to the CPUs there are (at most 4),
// and its index is built in parallel too: a million names in well under a
// second on two cores. Later loads are small and stay on one connection.
#pragma once

#include "handshake/agent/Snapshot.hpp"
#include "storage/Store.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace certa::handshake {

class IndexLoader {
public:
    // Opens another connection on the same store (for the parallel first
    // load); may throw. Null: the first load reads on one connection.
    using OpenConnection = std::function<std::unique_ptr<storage::Store>()>;

    explicit IndexLoader(std::unique_ptr<storage::Store> store, OpenConnection open_more = nullptr);

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
    // What a read of changed rows found, against the index it changes.
    struct Changes {
        std::vector<CertIndex::Row> added, removed;
    };
    static void collect(const storage::IndexRow& row, const CertIndex& base, Changes& out);
    // Reads the rows changed since `since` into `out`: in slices on extra
    // connections for a first load, else on store_.
    void read_changes(std::int64_t since, const CertIndex& base, Changes& out);
    // The number of slices for a first load: 1 when there are no extra
    // connections or CPUs to read them on.
    std::size_t first_load_parts() const;

    std::unique_ptr<storage::Store> store_;
    OpenConnection open_more_;
    std::shared_ptr<const Snapshot> current_;
    std::vector<IndexRecord> last_added_;
    std::vector<std::int64_t> last_removed_;
    std::vector<std::int64_t> last_ocsp_changed_;
};

}  // namespace certa::handshake
