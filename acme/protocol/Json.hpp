// A safe adapter over cpprestsdk's web::json. All ACME JSON goes through here:
// size-limited parsing, duplicate keys and non-finite numbers rejected, depth
// bounded, checked getters that never insert and never truncate.
#pragma once

#include <cpprest/json.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace certa::acme::json {

using Value = web::json::value;

// Malformed JSON, or a member of the wrong type/range. Never quotes secrets:
// messages name the member, not its value.
class JsonError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kDefaultMaxBytes = 1u << 20;
inline constexpr int kMaxDepth = 32;

// Parses text; throws JsonError on syntax errors, text over max_bytes, nesting
// deeper than kMaxDepth, duplicate object keys, or numbers that are not finite.
Value parse(std::string_view text, std::size_t max_bytes = kDefaultMaxBytes);
// Parses and requires an object at the top.
Value parse_object(std::string_view text, std::size_t max_bytes = kDefaultMaxBytes);

// The member `name` of `object`, or nullptr when absent (or object is not an object).
const Value* find(const Value& object, std::string_view name);

// Checked getters: nullopt when the member is absent or null; JsonError when
// it is present with the wrong type (or, for integers, not an exact integer
// within int64 range).
std::optional<std::string> string_field(const Value& object, std::string_view name);
std::optional<bool> bool_field(const Value& object, std::string_view name);
std::optional<std::int64_t> int_field(const Value& object, std::string_view name);
// An array of strings; empty when absent.
std::vector<std::string> string_array_field(const Value& object, std::string_view name);

// As above, but absence is a JsonError too.
std::string required_string(const Value& object, std::string_view name);
// A member read earlier that must be there now (e.g. an order's "finalize" once
// it is ready): its value, or the JsonError required_string would throw.
const std::string& require_member(const std::optional<std::string>& member, std::string_view name);

// Compact serialization (UTF-8).
std::string serialize(const Value& value);
// Builders.
Value string_value(std::string_view text);
Value string_array(const std::vector<std::string>& items);

}  // namespace certa::acme::json
