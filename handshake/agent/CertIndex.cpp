#include "handshake/agent/CertIndex.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <tuple>

namespace certa::handshake {

struct CertIndex::Item {
    std::uint64_t hash;
    std::string_view name;
    IndexRecord record;
};

CertIndex::CertIndex() {
    auto empty = std::make_shared<const Shard>();
    shards_.fill(empty);
}

std::uint64_t CertIndex::hash_of(std::string_view name) {
    // A final mix so that the top bits (the shard) depend on every byte.
    const std::uint64_t h = std::hash<std::string_view>{}(name);
    const std::uint64_t x = (h ^ (h >> 29)) * 0x9e3779b97f4a7c15ULL;
    return x ^ (x >> 32);
}

std::pair<std::size_t, std::size_t> CertIndex::range_of(const Shard& shard, std::uint64_t hash,
                                                        std::string_view name) {
    const auto& keys = shard.keys;
    auto it = std::lower_bound(keys.begin(), keys.end(), hash,
                               [](const Key& k, std::uint64_t h) { return k.hash < h; });
    for (; it != keys.end() && it->hash == hash; ++it) {
        if (shard.name_of(*it) != name) continue;
        auto last = it;
        while (last != keys.end() && last->hash == hash && shard.name_of(*last) == name) ++last;
        return {static_cast<std::size_t>(it - keys.begin()), static_cast<std::size_t>(last - keys.begin())};
    }
    return {0, 0};
}

std::shared_ptr<const CertIndex::Shard> CertIndex::rebuilt(
    const Shard& old, const std::vector<std::pair<std::int64_t, std::string_view>>& drop, const std::vector<Item>& add,
    std::vector<Item>& items) {
    items.clear();
    items.reserve(old.keys.size() + add.size());
    for (std::size_t i = 0; i < old.keys.size(); ++i) {
        const std::string_view name = old.name_of(old.keys[i]);
        const std::pair<std::int64_t, std::string_view> probe{old.records[i].id, name};
        if (!drop.empty() && std::binary_search(drop.begin(), drop.end(), probe)) continue;
        items.push_back({old.keys[i].hash, name, old.records[i]});
    }
    items.insert(items.end(), add.begin(), add.end());
    // (hash, name), then newest first: the most recently issued certificate is
    // preferred when everything else is equal.
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
        if (a.hash != b.hash) return a.hash < b.hash;
        if (a.name != b.name) return a.name < b.name;
        if (a.record.not_before != b.record.not_before) return a.record.not_before > b.record.not_before;
        return a.record.id > b.record.id;
    });

    auto shard = std::make_shared<Shard>();
    shard->keys.reserve(items.size());
    shard->records.reserve(items.size());
    std::size_t text = 0;
    for (const auto& item : items) text += item.name.size();
    shard->names.reserve(text);
    for (const auto& item : items) {
        shard->keys.push_back({item.hash, static_cast<std::uint32_t>(shard->names.size()),
                               static_cast<std::uint32_t>(item.name.size())});
        shard->records.push_back(item.record);
        shard->names.append(item.name);
    }
    return shard;
}

std::shared_ptr<const CertIndex> CertIndex::with_changes(const std::vector<Row>& removed,
                                                         const std::vector<Row>& added, std::size_t threads) const {
    auto next = std::make_shared<CertIndex>(*this);
    std::vector<std::vector<Item>> adds(kShards);
    std::vector<std::vector<std::pair<std::int64_t, std::string_view>>> drops(kShards);
    std::vector<bool> touched(kShards, false);
    if (added.size() > 4 * kShards)  // a big load: each shard's share at once, not by doubling
        for (auto& shard_adds : adds) shard_adds.reserve(added.size() / kShards * 5 / 4);
    for (const auto& row : added)
        for (const auto& name : row.names) {
            const std::uint64_t h = hash_of(name);
            adds[shard_of(h)].push_back({h, name, row.record});
            touched[shard_of(h)] = true;
        }
    for (const auto& row : removed)
        for (const auto& name : row.names) {
            const std::uint64_t h = hash_of(name);
            drops[shard_of(h)].emplace_back(row.record.id, name);
            touched[shard_of(h)] = true;
        }

    // Shards are independent: thread t rebuilds every shard s with s % n == t.
    // Small changes stay on this thread (a thread costs more than they do).
    const std::size_t n = added.size() + removed.size() > 4 * kShards ? std::max<std::size_t>(threads, 1) : 1;
    std::vector<std::exception_ptr> errors(n);
    auto work = [&](std::size_t t) {
        try {
            std::vector<Item> items;
            for (std::size_t s = t; s < kShards; s += n) {
                if (!touched[s]) continue;
                std::sort(drops[s].begin(), drops[s].end());
                next->shards_[s] = rebuilt(*shards_[s], drops[s], adds[s], items);  // the old one lives on in *this
            }
        } catch (...) {
            errors[t] = std::current_exception();  // out of memory: this index stays as it was
        }
    };
    std::vector<std::thread> helpers;
    for (std::size_t t = 1; t < n; ++t) helpers.emplace_back(work, t);
    work(0);
    for (auto& h : helpers) h.join();
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    next->size_ = size_ + added.size() - std::min(size_ + added.size(), removed.size());
    return next;
}

CertIndex::Candidates CertIndex::find(std::string_view name) const {
    const std::uint64_t h = hash_of(name);
    const Shard& shard = *shards_[shard_of(h)];
    const auto [first, last] = range_of(shard, h, name);
    return Candidates(shard.records.data() + first, last - first);
}

bool CertIndex::contains(std::int64_t id, std::string_view name) const {
    for (const auto& record : find(name))
        if (record.id == id) return true;
    return false;
}

void CertIndex::for_each(std::size_t first_shard, const std::function<bool(const IndexRecord&)>& fn) const {
    for (std::size_t k = 0; k < kShards; ++k)
        for (const auto& record : shards_[(first_shard + k) % kShards]->records)
            if (!fn(record)) return;
}

std::size_t CertIndex::name_count() const {
    std::size_t n = 0;
    for (const auto& shard : shards_) n += shard->keys.size();
    return n;
}

std::size_t CertIndex::memory_bytes() const {
    std::size_t bytes = sizeof(CertIndex);
    for (const auto& shard : shards_)
        bytes += sizeof(Shard) + shard->keys.capacity() * sizeof(Key) +
                 shard->records.capacity() * sizeof(IndexRecord) + shard->names.capacity();
    return bytes;
}

}  // namespace certa::handshake
