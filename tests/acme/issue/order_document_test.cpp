// RFC 8555 §7.1.3 order objects as the CA sends them (OrderDocument).
#include "acme/issue/OrderDocument.hpp"
#include "acme/protocol/Json.hpp"

#include <doctest/doctest.h>

using namespace certa::acme;

TEST_CASE("a pending order lists its authorizations and finalize URL") {
    const OrderDocument o = read_order(R"({"status":"pending","identifiers":[{"type":"dns","value":"a.test"}],
        "authorizations":["https://ca.test/authz/1","https://ca.test/authz/2"],"finalize":"https://ca.test/fin/1"})");
    CHECK(o.status == "pending");
    CHECK(o.authorizations == std::vector<std::string>{"https://ca.test/authz/1", "https://ca.test/authz/2"});
    CHECK(o.finalize == "https://ca.test/fin/1");
    CHECK_FALSE(o.certificate);
    CHECK(json::require_member(o.finalize, "finalize") == "https://ca.test/fin/1");
    CHECK_THROWS_WITH_AS(json::require_member(o.certificate, "certificate"), "JSON member \"certificate\" is missing",
                         json::JsonError);
}

TEST_CASE("a failed order carries its own error, else orderNotReady") {
    const OrderDocument failed = read_order(
        R"({"status":"invalid","error":{"type":"urn:ietf:params:acme:error:caa","detail":"CAA forbids","status":403}})");
    CHECK(order_failure(failed).is("caa"));
    CHECK(order_failure(failed).detail == "CAA forbids");
    const Problem none = order_failure(read_order(R"({"status":"invalid"})"));
    CHECK(none.is("orderNotReady"));
    CHECK(none.detail == "order is invalid");
}

TEST_CASE("a malformed order is a JsonError") {
    CHECK_THROWS_AS(read_order("[]"), json::JsonError);
    CHECK_THROWS_AS(read_order(R"({"authorizations":[]})"), json::JsonError);                    // no status
    CHECK_THROWS_AS(read_order(R"({"status":"pending","authorizations":"x"})"), json::JsonError);  // not an array
    CHECK_THROWS_AS(read_order(R"({"status":"valid","certificate":7})"), json::JsonError);
}
