#include "storage/base/Clock.hpp"

#include <chrono>

namespace certa::storage {
namespace {

class SystemClock final : public Clock {
public:
    UnixTime now() const override {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

}  // namespace

const Clock& Clock::system() {
    static const SystemClock clock;
    return clock;
}

}  // namespace certa::storage
