#include "storage/RenewalWindow.hpp"

#include <algorithm>
#include <string>

namespace certa::storage {
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

UnixTime renewal_window_start(UnixTime not_before, UnixTime not_after) {
    const UnixTime lifetime = std::max<UnixTime>(not_after - not_before, 0);
    return not_after - (lifetime <= kTenDays ? lifetime / 2 : lifetime / 3);
}

bool in_renewal_window(UnixTime not_before, UnixTime not_after, UnixTime now) {
    return not_before <= now && now < not_after && now >= renewal_window_start(not_before, not_after);
}

UnixTime fallback_renew_at(const CertificateRecord& cert) {
    const UnixTime lifetime = std::max<UnixTime>(cert.not_after - cert.not_before, 0);
    const UnixTime max_jitter = lifetime / 20;  // 5%
    const std::string key = cert.serial_hex.empty() ? std::to_string(cert.id) : cert.serial_hex;
    const UnixTime jitter =
        max_jitter > 0 ? static_cast<UnixTime>(stable_hash(key) % static_cast<std::uint64_t>(max_jitter + 1)) : 0;
    return renewal_window_start(cert.not_before, cert.not_after) - jitter;
}

}  // namespace certa::storage
