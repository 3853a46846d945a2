#include "cli/CertificateLookup.hpp"

#include "cli/CliError.hpp"
#include "storage/names/NameNormalizer.hpp"

#include <algorithm>

namespace certa::cli {

storage::CertificateRecord find_certificate(storage::Store& store, const std::string& name,
                                            storage::CertificateColumns columns) {
    const std::string key = storage::canonical_identifier(name);
    storage::CertificateFilter filter;
    filter.include_inactive = true;
    filter.name = key;
    filter.columns = columns;
    auto rows = store.list_certificates(filter);
    if (rows.empty())
        throw CliError(ExitCode::NotFound, "no certificate for '" + storage::printable_name(key) + "' in " + store.location());
    // The newest active row, else the newest row (highest id), whatever order the store returns.
    return *std::max_element(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        const bool a_active = a.status == storage::CertificateStatus::Active;
        const bool b_active = b.status == storage::CertificateStatus::Active;
        return a_active != b_active ? b_active : a.id < b.id;
    });
}

}  // namespace certa::cli
