// The JSON adapter refuses what cpprest silently accepts.
#include "acme/protocol/Json.hpp"

#include <doctest/doctest.h>

using namespace certa::acme;

TEST_CASE("well-formed objects parse and getters are checked") {
    auto v = json::parse_object(R"({"status":"valid","n":42,"big":-9223372036854775808,"ok":true,"list":["a","b"],"none":null})");
    CHECK(json::string_field(v, "status") == std::optional<std::string>("valid"));
    CHECK(json::int_field(v, "n") == std::optional<std::int64_t>(42));
    CHECK(json::int_field(v, "big") == std::optional<std::int64_t>(INT64_MIN));
    CHECK(json::bool_field(v, "ok") == std::optional<bool>(true));
    CHECK(json::string_array_field(v, "list") == std::vector<std::string>{"a", "b"});
    CHECK_FALSE(json::string_field(v, "none"));
    CHECK_FALSE(json::string_field(v, "absent"));
    CHECK(json::required_string(v, "status") == "valid");
    CHECK_THROWS_AS(json::required_string(v, "absent"), json::JsonError);
}

TEST_CASE("reading never inserts a member") {
    const auto v = json::parse_object(R"({"a":"x"})");
    CHECK_FALSE(json::string_field(v, "b"));
    CHECK(json::find(v, "b") == nullptr);
    CHECK(v.size() == 1);
    CHECK(json::serialize(v) == R"({"a":"x"})");
}

TEST_CASE("wrong types are JsonError, not a silent default") {
    auto v = json::parse_object(R"({"status":7,"n":"42","ok":"true","list":["a",1],"obj":{}})");
    CHECK_THROWS_AS(json::string_field(v, "status"), json::JsonError);
    CHECK_THROWS_AS(json::int_field(v, "n"), json::JsonError);
    CHECK_THROWS_AS(json::bool_field(v, "ok"), json::JsonError);
    CHECK_THROWS_AS(json::string_array_field(v, "list"), json::JsonError);
    CHECK_THROWS_AS(json::string_array_field(v, "obj"), json::JsonError);
    CHECK_THROWS_AS(json::parse_object("[1,2]"), json::JsonError);
}

TEST_CASE("huge numbers are refused, never truncated or turned into inf") {
    CHECK_THROWS_AS(json::parse(R"({"n":1e400})"), json::JsonError);
    CHECK_THROWS_AS(json::parse(R"({"n":-1e400})"), json::JsonError);
    // 2^70 parses (as a double) but is not an integer the getter will hand out.
    auto v = json::parse_object(R"({"n":1180591620717411303424,"m":9223372036854775808,"f":1.5})");
    CHECK_THROWS_AS(json::int_field(v, "n"), json::JsonError);
    CHECK_THROWS_AS(json::int_field(v, "m"), json::JsonError);
    CHECK_THROWS_AS(json::int_field(v, "f"), json::JsonError);
}

TEST_CASE("duplicate keys are refused at any depth") {
    CHECK_THROWS_AS(json::parse(R"({"status":"valid","status":"invalid"})"), json::JsonError);
    CHECK_THROWS_AS(json::parse(R"({"a":[{"k":1,"k":2}]})"), json::JsonError);
    CHECK_NOTHROW(json::parse(R"({"a":{"k":1},"b":{"k":2}})"));
}

TEST_CASE("truncated and malformed bodies are JsonError") {
    for (const char* text : {"", "{", R"({"a":)", R"({"a":"x)", R"({"a":1,})", "nul", R"({"a":1} trailing)", "\x01"}) {
        CAPTURE(text);
        CHECK_THROWS_AS(json::parse(text), json::JsonError);
    }
}

TEST_CASE("oversized bodies are refused before parsing") {
    std::string big = R"({"a":")" + std::string(2000, 'x') + R"("})";
    CHECK_NOTHROW(json::parse(big, 4096));
    CHECK_THROWS_AS(json::parse(big, 1000), json::JsonError);
}

TEST_CASE("deep nesting is refused without recursing into it") {
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK_THROWS_AS(json::parse(deep), json::JsonError);
    std::string ok = std::string(json::kMaxDepth, '[') + std::string(json::kMaxDepth, ']');
    CHECK_NOTHROW(json::parse(ok));
    // Brackets inside strings do not count.
    CHECK_NOTHROW(json::parse(R"({"s":")" + std::string(1000, '[') + R"("})"));
}

TEST_CASE("an unpaired UTF-16 surrogate escape is a JsonError, not cpprest's std::range_error") {
    // Found by tests/fuzz/json_adapter (corpus: regression-lone-surrogate.json).
    for (const char* bad : {R"(["\ud83d\u6e00"])", R"(["\ud800"])", R"(["\udc00\ud800"])", R"({"type":"\ud800"})"}) {
        INFO(bad);
        CHECK_THROWS_AS(json::parse(bad), json::JsonError);
    }
    CHECK(json::string_field(json::parse_object(R"({"s":"\ud83d\ude00"})"), "s") == "\xF0\x9F\x98\x80");
}

TEST_CASE("a lone low or high surrogate is refused, wherever it stands (issue 21)") {
    // cpprest took these without a word and produced bytes that are not UTF-8.
    for (const char* bad : {R"(["\udc00"])", R"({"s":"a\udfffb"})", R"({"\udc00":1})", R"(["\ud800x"])",
                            R"(["\ud800\n"])", R"(["\ud800\\udc00"])", R"(["\udbff"])", R"(["x\uDC00"])"}) {
        INFO(bad);
        CHECK_THROWS_WITH_AS(json::parse(bad), "malformed JSON: invalid \\u escape (unpaired UTF-16 surrogate)",
                             json::JsonError);
    }
    // Escaped backslashes before a 'u' are not escapes; pairs and BMP escapes are fine.
    CHECK(json::string_field(json::parse_object(R"({"s":"\\udc00"})"), "s") == "\\udc00");
    CHECK(json::string_field(json::parse_object(R"({"s":"\u00e9\uD83D\uDE00"})"), "s") == "\xC3\xA9\xF0\x9F\x98\x80");
}

TEST_CASE("builders serialize compactly") {
    json::Value v = json::Value::object();
    v[U("contact")] = json::string_array({"mailto:a@example.com"});
    v[U("q")] = json::string_value("quote\"d");
    auto back = json::parse_object(json::serialize(v));
    CHECK(json::string_array_field(back, "contact") == std::vector<std::string>{"mailto:a@example.com"});
    CHECK(json::string_field(back, "q") == std::optional<std::string>("quote\"d"));
}
