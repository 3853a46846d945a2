#include "acme/issue/ProfileCheck.hpp"

#include "storage/names/NameNormalizer.hpp"

#include <spdlog/spdlog.h>

namespace certa::acme {

void check_profile(const Directory& directory, const std::string& profile) {
    if (profile.empty()) return;
    const auto& profiles = directory.profiles;
    if (profiles.empty()) {
        spdlog::warn("the CA lists no profiles; sending profile '{}' anyway", storage::printable_name(profile));
        return;
    }
    if (profiles.count(profile)) return;
    // The CA's names are its text: escaped, and only so many of them.
    std::string names;
    std::size_t shown = 0;
    for (const auto& [name, description] : profiles) {
        if (++shown > 20 || names.size() > 400) {
            names += ", ...";
            break;
        }
        names += (names.empty() ? "" : ", ") + storage::printable_name(name.substr(0, 64));
    }
    throw OrderError("the CA has no profile '" + storage::printable_name(profile.substr(0, 64)) +
                     "' (it offers: " + names + ")");
}

}  // namespace certa::acme
