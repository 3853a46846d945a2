#include "handshake/ondemand/RefusalLog.hpp"

namespace certa::handshake {

RefusalLog::RefusalLog(std::size_t burst, std::chrono::seconds interval) : burst_(burst), interval_(interval) {}

void RefusalLog::roll(TimePoint now) {
    if (started_set_ && now - started_ < interval_) return;
    if (suppressed_ > 0)
        spdlog::info("on-demand: suppressed {} refusal line(s) in the last {} s", suppressed_,
                     std::chrono::duration_cast<std::chrono::seconds>(now - started_).count());
    started_ = now;
    started_set_ = true;
    written_ = 0;
    suppressed_ = 0;
}

void RefusalLog::tick(TimePoint now) {
    std::lock_guard lock(mutex_);
    if (started_set_) roll(now);
}

bool RefusalLog::admit(TimePoint now) {
    std::lock_guard lock(mutex_);
    roll(now);
    if (written_ < burst_) {
        ++written_;
        return true;
    }
    ++suppressed_;
    ++suppressed_total_;
    return false;
}

std::uint64_t RefusalLog::suppressed_total() const {
    std::lock_guard lock(mutex_);
    return suppressed_total_;
}

}  // namespace certa::handshake
