// renewal_error_class: a short label from the last renewal error, never its text.
#include "cli/metrics/RenewalErrorClass.hpp"

#include <doctest/doctest.h>

using certa::cli::renewal_error_class;

TEST_CASE("ACME problem types, network, deploy, other, none") {
    CHECK(renewal_error_class("") == "none");
    CHECK(renewal_error_class("newOrder: urn:ietf:params:acme:error:rateLimited: too many certificates") ==
          "rateLimited");
    CHECK(renewal_error_class("http-01 validation of a.example failed: urn:ietf:params:acme:error:connection: x") ==
          "connection");
    CHECK(renewal_error_class("cannot reach CA at https://127.0.0.1:14000/dir: Couldn't connect to server") ==
          "network");
    CHECK(renewal_error_class("deploy hook failed: exit status 3") == "deploy");
    CHECK(renewal_error_class("export to /srv/tls failed: cannot create directory") == "deploy");
    CHECK(renewal_error_class("deployed, not live: a.example at 127.0.0.1:443 serves serial 01, not 02") == "deploy");
    CHECK(renewal_error_class("nginx reload failed: exit status 1") == "deploy");
    CHECK(renewal_error_class("dns-01: TXT record not visible") == "other");
    // A prefix without a type, and a type that never ends, stay short and plain.
    CHECK(renewal_error_class("urn:ietf:params:acme:error:") == "other");
    const std::string endless = "urn:ietf:params:acme:error:" + std::string(500, 'a') + "\"} 1\n";
    CHECK(renewal_error_class(endless) == std::string(48, 'a'));
}
