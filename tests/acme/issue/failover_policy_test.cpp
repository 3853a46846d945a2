// The CA failover rule (acme/issue/FailoverPolicy) on typed errors, and the
// error kept when no CA issues (CaFailoverError: its line, the error that
// decides the exit code and the renewal's class).
#include "acme/issue/FailoverIssuer.hpp"
#include "acme/issue/FailoverPolicy.hpp"
#include "acme/protocol/HttpClient.hpp"
#include "acme/protocol/Problem.hpp"
#include "acme/renew/RenewalFailureClass.hpp"
#include "storage/StoreError.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace certa;
using acme::FailoverDecision;
using std::chrono::seconds;

namespace {

acme::AcmeError problem(const std::string& name, int status, std::optional<seconds> retry_after = std::nullopt) {
    return acme::AcmeError(acme::Problem{std::string(acme::kAcmeErrorPrefix) + name, "detail", status, {}, {}},
                           "newOrder", retry_after);
}

FailoverDecision decide(const std::exception& e, seconds remaining = seconds{60}) {
    return acme::failover_decision(e, remaining);
}

template <typename E>
std::exception_ptr ptr(E e) {
    return std::make_exception_ptr(std::move(e));
}

}  // namespace

TEST_CASE("the CA's side failed: next CA") {
    CHECK(decide(acme::HttpError("https://127.0.0.1:1/dir", "Couldn't connect to server")) == FailoverDecision::NextCa);
    CHECK(decide(acme::AcmeError(acme::Problem{"about:blank", "HTTP 503", 503, {}, {}}, "directory")) ==
          FailoverDecision::NextCa);
    CHECK(decide(problem("serverInternal", 500)) == FailoverDecision::NextCa);
    CHECK(decide(problem("serverInternal", 0)) == FailoverDecision::NextCa);  // the type alone suffices
    CHECK(decide(problem("badNonce", 502)) == FailoverDecision::NextCa);      // any 5xx
}

TEST_CASE("rateLimited: next CA only when Retry-After ends after the run's deadline") {
    CHECK(decide(problem("rateLimited", 429, seconds{3600}), seconds{60}) == FailoverDecision::NextCa);
    CHECK(decide(problem("rateLimited", 429, seconds{30}), seconds{60}) == FailoverDecision::Stop);
    CHECK(decide(problem("rateLimited", 429, seconds{30}), seconds{10}) == FailoverDecision::NextCa);
    CHECK(decide(problem("rateLimited", 429)) == FailoverDecision::Stop);  // no Retry-After: nothing says it is long
}

TEST_CASE("what the next CA would answer too, and local errors: stop") {
    CHECK(decide(problem("rejectedIdentifier", 400)) == FailoverDecision::Stop);
    CHECK(decide(problem("caa", 403)) == FailoverDecision::Stop);
    CHECK(decide(problem("unauthorized", 403)) == FailoverDecision::Stop);
    CHECK(decide(problem("rejectedIdentifier", 500)) == FailoverDecision::Stop);  // the type wins over the status
    CHECK(decide(problem("malformed", 400)) == FailoverDecision::Stop);
    CHECK(decide(problem("incorrectResponse", 0)) == FailoverDecision::Stop);  // a failed challenge
    CHECK(decide(std::runtime_error("dns hook failed (exit 1)")) == FailoverDecision::Stop);
    CHECK(decide(storage::StoreError(storage::StoreError::Kind::Locked, "store is locked")) == FailoverDecision::Stop);
    // A message that reads like a CA failure is still a local error: the type decides, not the text.
    CHECK(decide(std::runtime_error("urn:ietf:params:acme:error:serverInternal HTTP 503")) == FailoverDecision::Stop);
}

TEST_CASE("CaFailoverError: one line naming each CA; the deciding error") {
    const acme::CaAttempt down{"https://a.test/dir", ptr(acme::HttpError("https://a.test/dir", "refused")),
                               "cannot reach CA at https://a.test/dir: refused"};
    const acme::CaAttempt refused{"https://b.test/dir", ptr(problem("rejectedIdentifier", 400)),
                                  "newOrder: urn:ietf:params:acme:error:rejectedIdentifier: detail"};
    const acme::CaAttempt busy{"https://b.test/dir", ptr(problem("serverInternal", 500)), "newOrder: serverInternal"};

    const acme::CaFailoverError stopped({down, refused}, true);
    CHECK(std::string(stopped.what()) ==
          "no CA issued the certificate: https://a.test/dir: cannot reach CA at https://a.test/dir: refused; "
          "https://b.test/dir: newOrder: urn:ietf:params:acme:error:rejectedIdentifier: detail");
    CHECK(stopped.relevant() == refused.error);  // B stopped the run: its problem decides
    CHECK(acme::renewal_failure_class(stopped) == "rejectedIdentifier");

    const acme::CaFailoverError all_down({down, busy}, false);
    CHECK(all_down.relevant() == down.error);  // every CA failed on its side: the first CA's error
    CHECK(acme::renewal_failure_class(all_down) == "network");
}
