#include "handshake/agent/CertIndex.hpp"

#include <algorithm>
#include <array>

namespace certa::handshake {
namespace {

// Newest first: the most recently issued certificate is preferred when
// everything else is equal.
bool newer(const CertIndex::EntryPtr& a, const CertIndex::EntryPtr& b) {
    if (a->not_before() != b->not_before()) return a->not_before() > b->not_before();
    return a->id() > b->id();
}

}  // namespace

CertIndex::CertIndex() {
    auto empty = std::make_shared<const Shard>();
    shards_.fill(empty);
}

std::size_t CertIndex::shard_of(std::string_view name) {
    // A second mix so that shard choice and bucket choice inside the shard differ.
    std::size_t h = Hash{}(name);
    return (h ^ (h >> 17) ^ (h >> 31)) % kShards;
}

std::shared_ptr<const CertIndex> CertIndex::with_changes(const std::vector<EntryPtr>& removed,
                                                         const std::vector<EntryPtr>& added) const {
    auto next = std::make_shared<CertIndex>(*this);
    // Names added per shard, so that each copied shard is sized once (the
    // first load of a 100k store would otherwise rehash every shard ~10 times).
    std::array<std::size_t, kShards> growth{};
    for (const auto& entry : added)
        for (const auto& name : entry->names()) ++growth[shard_of(name)];
    std::array<std::shared_ptr<Shard>, kShards> copies;  // copy-on-write shards
    auto writable = [&](std::string_view name) -> Shard& {
        const std::size_t i = shard_of(name);
        if (!copies[i]) {
            copies[i] = std::make_shared<Shard>(*shards_[i]);
            copies[i]->reserve(copies[i]->size() + growth[i]);
        }
        return *copies[i];
    };

    auto erase_id = [&](const std::string& name, std::int64_t id) {
        Shard& shard = writable(name);
        auto it = shard.find(name);
        if (it == shard.end()) return;
        std::erase_if(it->second, [id](const EntryPtr& e) { return e->id() == id; });
        if (it->second.empty()) shard.erase(it);
    };

    for (const auto& entry : removed)
        for (const auto& name : entry->names()) erase_id(name, entry->id());
    for (const auto& entry : added) {
        for (const auto& name : entry->names()) {
            auto& list = writable(name)[name];
            list.insert(std::upper_bound(list.begin(), list.end(), entry, newer), entry);
        }
    }
    next->size_ = size_ + added.size() - std::min(size_ + added.size(), removed.size());
    for (std::size_t i = 0; i < kShards; ++i)
        if (copies[i]) next->shards_[i] = std::move(copies[i]);
    return next;
}

const CertIndex::Candidates* CertIndex::find(std::string_view name) const {
    const Shard& shard = *shards_[shard_of(name)];
    auto it = shard.find(name);
    return it == shard.end() ? nullptr : &it->second;
}

void CertIndex::for_each_entry(std::size_t first_shard, const std::function<bool(const CertEntry&)>& fn) const {
    for (std::size_t k = 0; k < kShards; ++k)
        for (const auto& [name, candidates] : *shards_[(first_shard + k) % kShards])
            for (const auto& entry : candidates)
                if (!fn(*entry)) return;
}

}  // namespace certa::handshake
