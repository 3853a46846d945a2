#include "acme/import/LegoServer.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace certa::acme {

std::string lego_host_dir(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return "";
    const auto begin = scheme + 3;
    std::string host = url.substr(begin, url.find_first_of("/?#", begin) - begin);
    if (const auto at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
    std::replace(host.begin(), host.end(), ':', '_');
    return host;
}

std::optional<std::string> known_directory_url(const std::string& host_dir) {
    static constexpr std::array<std::pair<const char*, const char*>, 6> kKnown{{
        {"acme-v02.api.letsencrypt.org", "https://acme-v02.api.letsencrypt.org/directory"},
        {"acme-staging-v02.api.letsencrypt.org", "https://acme-staging-v02.api.letsencrypt.org/directory"},
        {"acme.zerossl.com", "https://acme.zerossl.com/v2/DV90"},
        {"api.buypass.com", "https://api.buypass.com/acme/directory"},
        {"api.test4.buypass.no", "https://api.test4.buypass.no/acme/directory"},
        {"dv.acme-v02.api.pki.goog", "https://dv.acme-v02.api.pki.goog/directory"},
    }};
    for (const auto& [host, url] : kKnown)
        if (host_dir == host) return std::string(url);
    return std::nullopt;
}

}  // namespace certa::acme
