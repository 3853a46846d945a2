#include "cli/TimeFormat.hpp"

#include <ctime>

namespace certa::cli {

std::string iso8601_utc(storage::UnixTime t) {
    if (t == 0) return {};
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    if (gmtime_r(&tt, &tm) == nullptr) return {};
    char buf[32];
    if (std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return {};
    return buf;
}

}  // namespace certa::cli
