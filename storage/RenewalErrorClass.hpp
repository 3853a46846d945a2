// The class of a certificate's last renewal failure, kept beside its text in
// the certificates.last_error_class column (schema version 9): a short,
// fixed-shape word fit for a metric label or a monitoring line. acme/ sets it
// from the failure's type where the failure is recorded; cli/metrics reads it.
// The error text (URLs, paths, the CA's detail) never becomes a label, and
// rewording it cannot change one.
#pragma once

#include "storage/StoreTypes.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace certa::storage {

namespace error_class {
inline constexpr std::string_view kNone = "none";        // no failure recorded
inline constexpr std::string_view kNetwork = "network";  // the CA could not be reached
inline constexpr std::string_view kDeploy = "deploy";    // export, deploy hook or deploy target failed
inline constexpr std::string_view kOther = "other";      // anything else
// (An ACME problem is classed by its type's last part: "rateLimited".)
inline constexpr std::size_t kMaxLength = 48;
}  // namespace error_class

// `raw` in the label shape: its leading [A-Za-z0-9_] characters, at most
// error_class::kMaxLength of them; "other" when there are none.
std::string error_class_label(std::string_view raw);

// The label of a row's last renewal failure: "none" without one, else its
// stored class in the label shape ("other" for a failure recorded before
// version 9, which stored no class).
std::string renewal_error_class(const CertificateRecord& cert);

}  // namespace certa::storage
