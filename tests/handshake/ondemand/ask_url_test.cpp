// The --ask URL's secrets (query, fragment, user info) never reach a log line.
#include "handshake/ondemand/AskUrl.hpp"

#include <doctest/doctest.h>

using namespace certa::handshake;

TEST_CASE("redact_ask_url keeps scheme, host and path only") {
    CHECK(redact_ask_url("http://127.0.0.1:8080/check?token=SECRET") == "http://127.0.0.1:8080/check?<redacted>");
    CHECK(redact_ask_url("https://u:SECRET@ask.example/check") == "https://<redacted>@ask.example/check");
    CHECK(redact_ask_url("http://ask.example/check") == "http://ask.example/check");
    CHECK(redact_ask_url("http://ask.example/c#SECRET") == "http://ask.example/c?<redacted>");
}

TEST_CASE("redact_ask_secrets removes the query and user info wherever they appear") {
    const std::string url = "http://u:PASS@127.0.0.1:9/check?token=SECRET";
    const std::string message =
        "cannot reach CA at http://u:PASS@127.0.0.1:9/check?token=SECRET&domain=a.example: Connection refused";
    const std::string out = redact_ask_secrets(message, url);
    CHECK(out.find("SECRET") == std::string::npos);
    CHECK(out.find("PASS") == std::string::npos);
    CHECK(out.find("&domain=a.example: Connection refused") != std::string::npos);
    CHECK(redact_ask_secrets("nothing here", "http://h/check") == "nothing here");
}
