// Fuzz target: the JSON adapter (acme/protocol/Json.*) every ACME message goes
// through. Bad input must end in json::JsonError; what parses must survive the
// checked getters on each member and a serialize/parse round trip unchanged.
#include "acme/protocol/Json.hpp"

#include "FuzzCheck.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace json = certa::acme::json;

namespace {

// Each getter either answers or throws JsonError (wrong type, not an exact int64).
void read_members(const json::Value& object) {
    for (const auto& [key, member] : object.as_object()) {
        try { (void)json::string_field(object, key); } catch (const json::JsonError&) {}
        try { (void)json::bool_field(object, key); } catch (const json::JsonError&) {}
        try { (void)json::int_field(object, key); } catch (const json::JsonError&) {}
        try { (void)json::string_array_field(object, key); } catch (const json::JsonError&) {}
        try { (void)json::required_string(object, key); } catch (const json::JsonError&) {}
        FUZZ_CHECK(json::find(object, key) != nullptr);
    }
    FUZZ_CHECK(json::find(object, "\x01no such member") == nullptr);
}

// The same JSON value. Numbers compare by value: cpprest prints the double
// -1500.0 as -1500, which reads back as an integer (its operator== says
// "different"; for JSON it is the same number).
bool same(const json::Value& a, const json::Value& b) {
    if (a.is_number() && b.is_number()) {
        const auto &x = a.as_number(), &y = b.as_number();
        if (x.is_int64() && y.is_int64()) return x.to_int64() == y.to_int64();
        if (x.is_uint64() && y.is_uint64()) return x.to_uint64() == y.to_uint64();
        return a.as_double() == b.as_double();
    }
    if (a.type() != b.type()) return false;
    if (a.is_array()) {
        const auto &x = a.as_array(), &y = b.as_array();
        if (x.size() != y.size()) return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (!same(x.at(i), y.at(i))) return false;
        return true;
    }
    if (a.is_object()) {
        const auto &x = a.as_object(), &y = b.as_object();
        if (x.size() != y.size()) return false;
        for (const auto& [key, member] : x) {
            const json::Value* other = json::find(b, key);
            if (!other || !same(member, *other)) return false;
        }
        return true;
    }
    return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    json::Value value;
    try {
        value = json::parse(text);
    } catch (const json::JsonError&) {
        return 0;
    }
    if (value.is_object()) read_members(value);
    // What certa serializes (JWS payloads, --json output) must parse again, to the same value.
    const std::string out = json::serialize(value);
    json::Value again;
    try {
        again = json::parse(out);
    } catch (const json::JsonError& e) {
        std::fprintf(stderr, "re-parse failed: %s\n", e.what());
        FUZZ_CHECK(!"serialize() output parses again");
    }
    FUZZ_CHECK(same(again, value));
    try {
        (void)json::parse_object(text);
        FUZZ_CHECK(value.is_object());
    } catch (const json::JsonError&) {
        FUZZ_CHECK(!value.is_object());
    }
    return 0;
}
