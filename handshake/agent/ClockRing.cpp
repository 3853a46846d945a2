#include "handshake/agent/ClockRing.hpp"

namespace certa::handshake {

ClockRing::MaterialPtr ClockRing::find(std::int64_t id) {
    auto it = where_.find(id);
    if (it == where_.end()) return nullptr;
    Slot& slot = slots_[it->second];
    slot.referenced = true;
    return slot.material;
}

ClockRing::MaterialPtr ClockRing::insert(std::int64_t id, MaterialPtr material) {
    if (auto it = where_.find(id); it != where_.end()) {
        Slot& slot = slots_[it->second];
        std::swap(slot.material, material);
        return material;  // the replaced one
    }
    std::uint32_t at;
    MaterialPtr evicted;
    if (!free_.empty()) {
        at = free_.back();
        free_.pop_back();
    } else if (capacity_ == 0 || slots_.size() < capacity_) {
        at = static_cast<std::uint32_t>(slots_.size());
        slots_.emplace_back();
    } else {
        // CLOCK: a referenced entry gets a second chance; at most two turns.
        while (slots_[hand_].material && slots_[hand_].referenced) {
            slots_[hand_].referenced = false;
            hand_ = (hand_ + 1) % slots_.size();
        }
        at = static_cast<std::uint32_t>(hand_);
        hand_ = (hand_ + 1) % slots_.size();
        if (slots_[at].material) {
            where_.erase(slots_[at].id);
            evicted = std::move(slots_[at].material);
        }
    }
    slots_[at] = Slot{id, std::move(material), false};
    where_.emplace(id, at);
    return evicted;
}

ClockRing::MaterialPtr ClockRing::erase(std::int64_t id) {
    auto it = where_.find(id);
    if (it == where_.end()) return nullptr;
    Slot& slot = slots_[it->second];
    MaterialPtr dropped = std::move(slot.material);
    slot = Slot{};
    free_.push_back(it->second);
    where_.erase(it);
    return dropped;
}

}  // namespace certa::handshake
