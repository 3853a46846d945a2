#include "acme/RenewalPolicy.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace certa::acme {
namespace {

constexpr UnixTime kTenDays = 10 * 86400;

// FNV-1a: stable across runs, platforms and compilers (std::hash is not).
std::uint64_t stable_hash(const std::string& text) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

}  // namespace

UnixTime fallback_renew_at(const storage::CertificateRecord& cert) {
    const UnixTime lifetime = std::max<UnixTime>(cert.not_after - cert.not_before, 0);
    const UnixTime window = lifetime <= kTenDays ? lifetime / 2 : lifetime / 3;
    const UnixTime max_jitter = lifetime / 20;  // 5%
    const std::string key = cert.serial_hex.empty() ? std::to_string(cert.id) : cert.serial_hex;
    const UnixTime jitter = max_jitter > 0 ? static_cast<UnixTime>(stable_hash(key) % static_cast<std::uint64_t>(max_jitter + 1)) : 0;
    return cert.not_after - window - jitter;
}

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
