// The order object (RFC 8555 §7.1.3) as certa reads it from the CA: a pure
// reader over the response body, kept apart from the client that fetched it
// (so it can be tested and fuzzed on its own).
#pragma once

#include "acme/protocol/Problem.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certa::acme {

struct OrderDocument {
    std::string status;                       // "pending", "ready", "processing", "valid", "invalid"
    std::vector<std::string> authorizations;  // URLs (empty when absent)
    std::optional<std::string> finalize;
    std::optional<std::string> certificate;   // set once the order is valid
    Problem error;                            // the order's "error" (type "" when it has none)
};

// Parses an order. Throws json::JsonError when the body is not a JSON object,
// "status" is missing, or a member above has the wrong type.
OrderDocument read_order(std::string_view json_text);

// The order's failure as a problem: its own "error", else
// urn:ietf:params:acme:error:orderNotReady "order is STATUS".
Problem order_failure(const OrderDocument& order);

}  // namespace certa::acme
