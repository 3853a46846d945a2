#include "acme/renew/RenewalPolicy.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace certa::acme {

bool due_within_days(const storage::CertificateRecord& cert, int days, UnixTime now) {
    return cert.not_after - now < static_cast<UnixTime>(days) * 86400;
}

UnixTime pick_in_window(UnixTime start, UnixTime end) {
    if (end <= start) return start;
    std::uint64_t r = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r) != 1)
        throw std::runtime_error("no randomness for the renewal time");
    return start + static_cast<UnixTime>(r % static_cast<std::uint64_t>(end - start + 1));
}

std::chrono::seconds ari_poll_interval(std::optional<std::chrono::seconds> retry_after) {
    using namespace std::chrono_literals;
    if (!retry_after) return 6h;
    return std::clamp<std::chrono::seconds>(*retry_after, 1min, 24h);
}

std::chrono::seconds backoff_delay(int failures) {
    using namespace std::chrono_literals;
    std::chrono::seconds delay = 5min;
    for (int i = 1; i < failures && delay < 24h; ++i) delay *= 2;
    return std::min<std::chrono::seconds>(delay, 24h);
}

}  // namespace certa::acme
