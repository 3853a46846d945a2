#include "acme/protocol/Json.hpp"

#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <system_error>

namespace certa::acme::json {

namespace {

// Bounds nesting before cpprest's recursive parser sees the text.
void check_depth(std::string_view text) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '{' || c == '[') {
            if (++depth > kMaxDepth) throw JsonError("JSON nesting deeper than " + std::to_string(kMaxDepth) + " levels");
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The code unit of the "\uXXXX" escape whose 'u' is at text[at], or -1.
int escape_unit(std::string_view text, std::size_t at) {
    if (at + 4 >= text.size()) return -1;
    int unit = 0;
    for (std::size_t i = 1; i <= 4; ++i) {
        const int v = hex_value(text[at + i]);
        if (v < 0) return -1;
        unit = unit * 16 + v;
    }
    return unit;
}

// RFC 8259 §7 spells a character outside the BMP as a surrogate pair. cpprest
// turns a lone one ("\udc00", or "\ud800" not followed by a low surrogate)
// into bytes that are not UTF-8 instead of failing: refuse it here.
void check_surrogates(std::string_view text) {
    bool in_string = false;
    bool want_low = false;  // the previous character was a high-surrogate escape
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (!in_string) {
            in_string = c == '"';
            continue;
        }
        int unit = -1;
        if (c == '\\' && i + 1 < text.size()) {
            ++i;
            if (text[i] == 'u') unit = escape_unit(text, i);
        } else if (c == '"') {
            in_string = false;
        }
        const bool high = unit >= 0xD800 && unit <= 0xDBFF;
        const bool low = unit >= 0xDC00 && unit <= 0xDFFF;
        if (want_low != low) throw JsonError("malformed JSON: invalid \\u escape (unpaired UTF-16 surrogate)");
        want_low = high;
        if (unit >= 0) i += 4;
    }
}

// Rejects what cpprest silently accepts: duplicate keys and non-finite numbers.
void validate(const Value& v, int depth) {
    if (depth > kMaxDepth) throw JsonError("JSON nesting too deep");
    if (v.is_number()) {
        if (!v.is_integer() && !std::isfinite(v.as_double())) throw JsonError("JSON number out of range");
    } else if (v.is_array()) {
        for (const auto& item : v.as_array()) validate(item, depth + 1);
    } else if (v.is_object()) {
        std::set<std::string> seen;
        for (const auto& [key, member] : v.as_object()) {
            if (!seen.insert(key).second) throw JsonError("duplicate JSON member \"" + key + "\"");
            validate(member, depth + 1);
        }
    }
}

std::string quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

}  // namespace

Value parse(std::string_view text, std::size_t max_bytes) {
    if (text.size() > max_bytes)
        throw JsonError("JSON document larger than " + std::to_string(max_bytes) + " bytes");
    check_depth(text);
    check_surrogates(text);
    std::error_code ec;
    Value v;
    try {
        v = Value::parse(utility::string_t(text), ec);
    } catch (const std::range_error&) {
        // cpprest throws this, error_code or not, for a \u escape that is a
        // lone or misordered UTF-16 surrogate (e.g. "\ud800x"): found by fuzzing.
        throw JsonError("malformed JSON: invalid \\u escape (unpaired UTF-16 surrogate)");
    } catch (const web::json::json_exception& e) {
        throw JsonError(std::string("malformed JSON: ") + e.what());
    }
    if (ec) throw JsonError("malformed JSON: " + ec.message());
    validate(v, 0);
    return v;
}

Value parse_object(std::string_view text, std::size_t max_bytes) {
    Value v = parse(text, max_bytes);
    if (!v.is_object()) throw JsonError("JSON document is not an object");
    return v;
}

const Value* find(const Value& object, std::string_view name) {
    if (!object.is_object()) return nullptr;
    const auto& obj = object.as_object();
    auto it = obj.find(utility::string_t(name));
    if (it == obj.end()) return nullptr;
    return &it->second;
}

std::optional<std::string> string_field(const Value& object, std::string_view name) {
    const Value* v = find(object, name);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) throw JsonError("JSON member " + quoted(name) + " is not a string");
    return v->as_string();
}

std::optional<bool> bool_field(const Value& object, std::string_view name) {
    const Value* v = find(object, name);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_boolean()) throw JsonError("JSON member " + quoted(name) + " is not a boolean");
    return v->as_bool();
}

std::optional<std::int64_t> int_field(const Value& object, std::string_view name) {
    const Value* v = find(object, name);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_number()) throw JsonError("JSON member " + quoted(name) + " is not a number");
    const auto& n = v->as_number();
    if (n.is_int64()) return n.to_int64();
    // Doubles and integers above INT64_MAX are refused rather than truncated.
    throw JsonError("JSON member " + quoted(name) + " is not an integer within range");
}

std::vector<std::string> string_array_field(const Value& object, std::string_view name) {
    std::vector<std::string> out;
    const Value* v = find(object, name);
    if (!v || v->is_null()) return out;
    if (!v->is_array()) throw JsonError("JSON member " + quoted(name) + " is not an array");
    for (const auto& item : v->as_array()) {
        if (!item.is_string()) throw JsonError("JSON member " + quoted(name) + " holds a non-string");
        out.push_back(item.as_string());
    }
    return out;
}

std::string required_string(const Value& object, std::string_view name) {
    return require_member(string_field(object, name), name);
}

const std::string& require_member(const std::optional<std::string>& member, std::string_view name) {
    if (!member) throw JsonError("JSON member " + quoted(name) + " is missing");
    return *member;
}

std::string serialize(const Value& value) { return value.serialize(); }

Value string_value(std::string_view text) { return Value::string(utility::string_t(text)); }

Value string_array(const std::vector<std::string>& items) {
    std::vector<Value> values;
    values.reserve(items.size());
    for (const auto& s : items) values.push_back(string_value(s));
    return Value::array(std::move(values));
}

}  // namespace certa::acme::json
