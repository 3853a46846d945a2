#include "cli/CertificateLookup.hpp"

#include "cli/CliError.hpp"

#include <algorithm>
#include <cctype>

namespace certa::cli {

std::string normalize_name(const std::string& name) {
    auto begin = name.find_first_not_of(" \t");
    if (begin == std::string::npos) return {};
    auto end = name.find_last_not_of(" \t");
    std::string out = name.substr(begin, end - begin + 1);
    if (out.size() > 1 && out.back() == '.') out.pop_back();
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

storage::CertificateRecord find_certificate(storage::Store& store, const std::string& name,
                                            storage::CertificateColumns columns) {
    const std::string key = normalize_name(name);
    storage::CertificateFilter filter;
    filter.include_inactive = true;
    filter.name = key;
    filter.columns = columns;
    auto rows = store.list_certificates(filter);
    if (rows.empty())
        throw CliError(ExitCode::NotFound, "no certificate for '" + key + "' in " + store.location());
    // The newest active row, else the newest row (highest id), whatever order the store returns.
    return *std::max_element(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        const bool a_active = a.status == storage::CertificateStatus::Active;
        const bool b_active = b.status == storage::CertificateStatus::Active;
        return a_active != b_active ? b_active : a.id < b.id;
    });
}

}  // namespace certa::cli
