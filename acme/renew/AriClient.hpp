// RFC 9773 ACME Renewal Information: GET {renewalInfo}/{certID} and its
// suggestedWindow (RFC 3339 times) plus Retry-After.
#pragma once

#include "acme/protocol/AcmeClient.hpp"
#include "storage/StoreTypes.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace certa::acme {

struct RenewalInfo {
    storage::UnixTime window_start = 0;
    storage::UnixTime window_end = 0;
    std::optional<std::chrono::seconds> retry_after;  // RFC 9773 §4.3
    std::string explanation_url;
};

// RFC 3339 date-time ("2025-01-02T03:04:05Z", fractions and offsets allowed)
// to Unix seconds. Throws json::JsonError when malformed.
storage::UnixTime parse_rfc3339(std::string_view text);

// RFC 9773 §4.2: the renewalInfo object. Throws json::JsonError when
// suggestedWindow is missing or malformed, or when end is before start.
RenewalInfo parse_renewal_info(std::string_view body);

// Unauthenticated GET of {directory.renewalInfo}/{cert_id}. Throws HttpError,
// AcmeError or json::JsonError; std::logic_error when the CA has no ARI.
RenewalInfo fetch_renewal_info(AcmeClient& client, const std::string& cert_id);

}  // namespace certa::acme
