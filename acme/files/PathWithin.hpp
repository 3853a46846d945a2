// Whether a path lies in a directory, compared component by component (so
// "/etc/haproxy-evil" is not within "/etc/haproxy"). Both paths must already
// be canonical (fs::canonical): this reads no links.
#pragma once

#include <filesystem>

namespace certa::acme {

// `path` is `base` or below it.
inline bool path_within(const std::filesystem::path& base, const std::filesystem::path& path) {
    auto b = base.begin(), p = path.begin();
    for (; b != base.end(); ++b, ++p)
        if (p == path.end() || *b != *p) return false;
    return true;
}

}  // namespace certa::acme
