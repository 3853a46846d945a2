// newOrder payloads (identifier types, profile, RFC 9773 "replaces") and
// profile validation against the directory's meta.profiles.
#include "acme/protocol/Json.hpp"
#include "acme/issue/OrderService.hpp"

#include <doctest/doctest.h>

using namespace certa::acme;

TEST_CASE("newOrder payload: dns and ip identifiers, optional profile and replaces") {
    OrderRequest request;
    request.identifiers = parse_identifiers({"*.Example.com", "127.0.0.1", "::1"});
    json::Value v = json::parse_object(new_order_payload(request));
    const json::Value* ids = json::find(v, "identifiers");
    REQUIRE(ids);
    REQUIRE(ids->is_array());
    REQUIRE(ids->size() == 3);
    CHECK(json::required_string(ids->at(0), "type") == "dns");
    CHECK(json::required_string(ids->at(0), "value") == "*.example.com");
    CHECK(json::required_string(ids->at(1), "type") == "ip");
    CHECK(json::required_string(ids->at(1), "value") == "127.0.0.1");
    CHECK(json::required_string(ids->at(2), "value") == "::1");
    CHECK_FALSE(json::find(v, "profile"));
    CHECK_FALSE(json::find(v, "replaces"));

    request.profile = "shortlived";
    request.replaces = "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE";
    v = json::parse_object(new_order_payload(request));
    CHECK(json::string_field(v, "profile") == std::string("shortlived"));
    CHECK(json::string_field(v, "replaces") == std::string("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE"));
}

TEST_CASE("profiles are checked against meta.profiles when the CA lists them") {
    Directory with;
    with.profiles = {{"classic", "the usual"}, {"shortlived", "6 days"}};
    CHECK_NOTHROW(check_profile(with, "shortlived"));
    CHECK_NOTHROW(check_profile(with, ""));
    try {
        check_profile(with, "tlsserver");
        FAIL("unknown profile accepted");
    } catch (const OrderError& e) {
        const std::string what = e.what();
        CHECK(what.find("tlsserver") != std::string::npos);
        CHECK(what.find("classic, shortlived") != std::string::npos);
    }
    Directory without;
    CHECK_NOTHROW(check_profile(without, "anything"));
}

TEST_CASE("a CA's profile names are quoted on one printable line (issue 21)") {
    Directory hostile;
    hostile.profiles = {{"bad\nname", "x"}, {"caf\xc3\xa9", "y"}};
    CHECK_THROWS_WITH_AS(check_profile(hostile, "x\ny"),
                         "the CA has no profile 'x\\x0ay' (it offers: bad\\x0aname, caf\\xc3\\xa9)", OrderError);
}
