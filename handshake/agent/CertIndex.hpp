// An immutable name -> certificates index (one snapshot's worth). Keys are
// normalized index names ("example.com", "*.example.com", "192.0.2.1"); the
// candidates of a key are ordered newest first (not_before, then row id).
//
// The index is split into shards so that a change of a few rows copies only
// the shards those rows' names hash to: a renewal in a 100k-certificate store
// does not rebuild the whole index, and unchanged shards are shared between
// the old and the new snapshot.
#pragma once

#include "handshake/agent/CertEntry.hpp"

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace certa::handshake {

class CertIndex {
public:
    using EntryPtr = std::shared_ptr<const CertEntry>;
    using Candidates = std::vector<EntryPtr>;
    static constexpr std::size_t kShards = 256;

    CertIndex();

    // A new index equal to this one without `removed` and with `added`.
    // `removed` must be entries this index holds (the caller tracks them by row
    // id); to replace a row, pass its old entry in `removed` and the new one in
    // `added`.
    std::shared_ptr<const CertIndex> with_changes(const std::vector<EntryPtr>& removed,
                                                  const std::vector<EntryPtr>& added) const;

    // Candidates for exactly `name` (no wildcard expansion); nullptr when none.
    const Candidates* find(std::string_view name) const;

    // Calls fn(entry) for every (entry, name) pair, shard by shard from
    // `first_shard` on, until fn returns false. An entry with several names
    // is visited once per name.
    void for_each_entry(std::size_t first_shard, const std::function<bool(const CertEntry&)>& fn) const;

    // Number of certificates indexed.
    std::size_t size() const { return size_; }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };
    using Shard = std::unordered_map<std::string, Candidates, Hash, std::equal_to<>>;
    static std::size_t shard_of(std::string_view name);

    std::array<std::shared_ptr<const Shard>, kShards> shards_;
    std::size_t size_ = 0;
};

}  // namespace certa::handshake
