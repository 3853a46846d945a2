// RFC 8555 §6.7 problem documents, including hostile and non-JSON bodies.
#include "acme/protocol/Problem.hpp"

#include <doctest/doctest.h>

using namespace certa::acme;

namespace {
HttpResponse response(long status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers["content-type"] = "application/problem+json";
    return r;
}
}  // namespace

TEST_CASE("a problem document is parsed with subproblems") {
    auto p = parse_problem(response(403, R"({
      "type": "urn:ietf:params:acme:error:rejectedIdentifier",
      "detail": "Some of the identifiers requested were rejected",
      "status": 403,
      "subproblems": [
        {"type": "urn:ietf:params:acme:error:malformed", "detail": "Invalid underscore in DNS name \"_example.org\"",
         "identifier": {"type": "dns", "value": "_example.org"}},
        {"type": "urn:ietf:params:acme:error:rejectedIdentifier", "detail": "This CA will not issue for \"example.net\"",
         "identifier": {"type": "dns", "value": "example.net"}}
      ]})"));
    CHECK(p.is("rejectedIdentifier"));
    CHECK_FALSE(p.is("rejected"));
    CHECK(p.status == 403);
    REQUIRE(p.subproblems.size() == 2);
    CHECK(p.subproblems[0].identifier == "_example.org");
    CHECK(p.subproblems[1].is("rejectedIdentifier"));
    CHECK(p.summary().find("_example.org: urn:ietf:params:acme:error:malformed") != std::string::npos);
}

TEST_CASE("AcmeError::what is one line: context: type: detail") {
    Problem p;
    p.type = "urn:ietf:params:acme:error:connection";
    p.detail = "Connection refused\nby host";
    AcmeError e(p, "challenge for a.example");
    CHECK(std::string(e.what()) == "challenge for a.example: urn:ietf:params:acme:error:connection: Connection refused by host");
    CHECK(e.problem().is("connection"));
    CHECK_FALSE(e.retry_after());
}

TEST_CASE("non-JSON and hostile bodies become about:blank with the HTTP status") {
    for (const char* body : {"<html>Bad Gateway</html>", "", "{", R"({"type":"a","type":"b"})", "[1,2,3]", R"({"n":1e400})"}) {
        CAPTURE(body);
        auto p = parse_problem(response(502, body));
        CHECK(p.type == "about:blank");
        CHECK(p.status == 502);
        CHECK(p.detail.find("502") != std::string::npos);
    }
}

TEST_CASE("wrong member types are ignored rather than fatal") {
    auto p = parse_problem(response(400, R"({"type":42,"detail":["x"],"status":"400","subproblems":"no"})"));
    CHECK(p.type == "about:blank");
    CHECK(p.status == 400);
    CHECK(p.subproblems.empty());
    auto q = parse_problem(response(400, R"({"type":"urn:ietf:params:acme:error:badNonce","status":1e300})"));
    CHECK(q.is("badNonce"));
    CHECK(q.status == 400);
}

TEST_CASE("an oversized problem body is not parsed") {
    std::string detail(100000, 'x');
    auto p = parse_problem(response(400, R"({"type":"urn:ietf:params:acme:error:malformed","detail":")" + detail + R"("})"));
    CHECK(p.type == "about:blank");
}

TEST_CASE("Retry-After and Link headers") {
    HttpResponse r;
    r.headers["retry-after"] = "120";
    CHECK(r.retry_after() == std::chrono::seconds(120));
    r.headers["retry-after"] = "Wed, 21 Oct 2015 07:28:00 GMT";  // in the past
    CHECK(r.retry_after() == std::chrono::seconds(0));
    r.headers["retry-after"] = "soon";
    CHECK_FALSE(r.retry_after());
    r.links = {R"(<https://ca/dir>;rel="index")", R"(<https://ca/alt/1>; rel="alternate", <https://ca/alt/2>;rel=alternate)"};
    CHECK(r.links_with_rel("alternate") == std::vector<std::string>{"https://ca/alt/1", "https://ca/alt/2"});
    CHECK(r.links_with_rel("index") == std::vector<std::string>{"https://ca/dir"});
    CHECK(r.links_with_rel("up").empty());
}
