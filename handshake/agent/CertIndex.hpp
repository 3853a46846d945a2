// An immutable name -> certificates index (one snapshot's worth), compact
// enough for a million names: per (name, certificate) pair one 32-byte
// IndexRecord (row id, validity, key algorithm), a 16-byte key (the name's
// hash and its place in the shard's name text) and the name's bytes. No PEM
// and no parsed material: those live in the MaterialCache, keyed by row id.
//
// Keys are normalized index names ("example.com", "*.example.com",
// "192.0.2.1"); the candidates of a key are ordered newest first (not_before,
// then row id). The index is split into shards by name hash; a change copies
// only the shards its names fall in, and unchanged shards are shared between
// the old and the new snapshot. Within a shard, keys are sorted by (hash,
// name), so a lookup is a binary search.
#pragma once

#include "handshake/agent/KeyAlgorithm.hpp"
#include "storage/StoreTypes.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace certa::handshake {

struct IndexRecord {
    std::int64_t id = 0;
    storage::UnixTime not_before = 0;
    storage::UnixTime not_after = 0;
    KeyAlgorithm algorithm = KeyAlgorithm::Other;
    bool valid_at(storage::UnixTime now) const { return not_before <= now && now < not_after; }
};

class CertIndex {
public:
    using Candidates = std::span<const IndexRecord>;
    static constexpr std::size_t kShards = 1024;

    // One certificate as a change sees it: its record and normalized names.
    struct Row {
        IndexRecord record;
        std::vector<std::string> names;
    };

    CertIndex();

    // A new index equal to this one without the `removed` rows (matched by
    // row id under their names) and with the `added` ones. The caller passes
    // only removed rows this index holds and added rows it does not. The
    // shards it changes are built on up to `threads` threads (a big load).
    std::shared_ptr<const CertIndex> with_changes(const std::vector<Row>& removed, const std::vector<Row>& added,
                                                  std::size_t threads = 1) const;

    // Candidates for exactly `name` (no wildcard expansion), newest first; empty when none.
    Candidates find(std::string_view name) const;
    // Whether row `id` is indexed under `name`.
    bool contains(std::int64_t id, std::string_view name) const;

    // Calls fn(record) for every (name, record) pair, shard by shard from
    // `first_shard` on, until fn returns false.
    void for_each(std::size_t first_shard, const std::function<bool(const IndexRecord&)>& fn) const;

    // Number of certificates indexed.
    std::size_t size() const { return size_; }
    // Number of (name, certificate) pairs indexed.
    std::size_t name_count() const;
    // Heap bytes held by the shards (capacity, not size), for the benchmark.
    std::size_t memory_bytes() const;

private:
    struct Key {
        std::uint64_t hash;
        std::uint32_t name_offset;  // into Shard::names
        std::uint32_t name_length;
    };
    struct Shard {
        std::vector<Key> keys;              // sorted by (hash, name, newest first)
        std::vector<IndexRecord> records;   // parallel to keys
        std::string names;                  // every key's name text, back to back
        std::string_view name_of(const Key& k) const { return {names.data() + k.name_offset, k.name_length}; }
    };
    static std::uint64_t hash_of(std::string_view name);
    static std::size_t shard_of(std::uint64_t hash) { return static_cast<std::size_t>(hash >> 54) % kShards; }
    // [first, last) of the keys equal to `name` in `shard`.
    static std::pair<std::size_t, std::size_t> range_of(const Shard& shard, std::uint64_t hash, std::string_view name);
    struct Item;
    // Shard `old` without `drop` (sorted (id, name) pairs) and with `add`, sorted; `items` is scratch.
    static std::shared_ptr<const Shard> rebuilt(const Shard& old, const std::vector<std::pair<std::int64_t, std::string_view>>& drop,
                                                const std::vector<Item>& add, std::vector<Item>& items);

    std::array<std::shared_ptr<const Shard>, kShards> shards_;
    std::size_t size_ = 0;
};

}  // namespace certa::handshake
