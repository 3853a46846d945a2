// The class of a failed renewal: taken from the failure's type where it is
// recorded (renewal_failure_class), read back as a short label
// (storage::renewal_error_class), never parsed from the error text.
#include "acme/deploy/DeployError.hpp"
#include "acme/protocol/HttpClient.hpp"
#include "acme/protocol/Problem.hpp"
#include "acme/renew/RenewalFailureClass.hpp"
#include "storage/RenewalErrorClass.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace certa;
using acme::renewal_failure_class;

namespace {

acme::AcmeError problem(const std::string& type, const std::string& detail = "x") {
    return acme::AcmeError(acme::Problem{type, detail, 400, {}, {}}, "newOrder");
}

// A row as the store reads it back after a failure recorded with `error_class`.
std::string label_of(const std::string& last_error, const std::string& error_class) {
    storage::CertificateRecord row;
    row.last_error = last_error;
    row.last_error_class = error_class;
    return storage::renewal_error_class(row);
}

}  // namespace

TEST_CASE("ACME problem types, network, deploy, other, none") {
    CHECK(label_of("", "") == "none");
    CHECK(renewal_failure_class(problem("urn:ietf:params:acme:error:rateLimited", "too many certificates")) ==
          "rateLimited");
    CHECK(renewal_failure_class(problem("urn:ietf:params:acme:error:connection")) == "connection");
    CHECK(renewal_failure_class(acme::HttpError("https://127.0.0.1:14000/dir", "Couldn't connect to server")) ==
          "network");
    // Deployer records its failures (export, hook, targets, live check) as "deploy".
    CHECK(label_of("deploy hook failed: exit status 3", std::string(storage::error_class::kDeploy)) == "deploy");
    // ... because a DeployError's class is "deploy", whatever its wording.
    CHECK(renewal_failure_class(acme::DeployError("nginx reload failed: exit status 1")) == "deploy");
    CHECK(renewal_failure_class(acme::DeployError("rateLimited")) == "deploy");
    CHECK(renewal_failure_class(std::runtime_error("dns-01: TXT record not visible")) == "other");
    CHECK(renewal_failure_class(problem("about:blank", "newAccount answered without a Location header")) == "other");
    // A prefix without a type, and a type that never ends, stay short and plain.
    CHECK(renewal_failure_class(problem("urn:ietf:params:acme:error:")) == "other");
    const std::string endless = "urn:ietf:params:acme:error:" + std::string(500, 'a') + "\"} 1\n";
    CHECK(renewal_failure_class(problem(endless)) == std::string(48, 'a'));
}

TEST_CASE("the label comes from the stored class, whatever the text says") {
    CHECK(label_of("cannot reach CA at https://ca.test/dir: refused", "rateLimited") == "rateLimited");
    CHECK(label_of("urn:ietf:params:acme:error:dns: no such name", "network") == "network");
    CHECK(label_of("anything at all", "deploy") == "deploy");
    // A failure stored before schema version 9 has text but no class.
    CHECK(label_of("cannot reach CA at https://ca.test/dir: refused", "") == "other");
    // A stored class out of shape (another writer) is cut to the label shape.
    CHECK(label_of("x", "bad label\"} 1") == "bad");
    CHECK(label_of("x", std::string(100, 'b')) == std::string(48, 'b'));
    CHECK(label_of("x", "{}") == "other");
}
