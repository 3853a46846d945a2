// AcmeClient honours Retry-After on 429/503 within a bounded budget, and
// HttpClient bounds response sizes. Pebble 2.4 has no rate limits, so a tiny
// ACME stand-in (libmicrohttpd, loopback, plain HTTP) answers here.
#include "acme/protocol/AcmeClient.hpp"

#include <doctest/doctest.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <atomic>
#include <memory>
#include <string>

using namespace certa::acme;

namespace {

// The fake CA below speaks plain HTTP (the test-only opt-in).
HttpOptions plain_http() {
    HttpOptions options;
    options.https_only = false;
    return options;
}


struct DaemonDeleter {
    void operator()(MHD_Daemon* d) const noexcept { MHD_stop_daemon(d); }
};

// Serves /dir, HEAD /nonce, and POST /acct: the first `refusals` POSTs get
// `status` with Retry-After `retry_after` (omitted when empty), later ones 201.
class FakeCa {
public:
    FakeCa(int refusals, unsigned status, std::string retry_after)
        : refusals_(refusals), status_(status), retry_after_(std::move(retry_after)) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        daemon_.reset(MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, nullptr, nullptr, &FakeCa::handle, this,
                                       MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_END));
        REQUIRE(daemon_);
        port_ = MHD_get_daemon_info(daemon_.get(), MHD_DAEMON_INFO_BIND_PORT)->port;
    }
    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
    int posts() const { return posts_.load(); }
    int requests() const { return nonce_counter_.load(); }

private:
    static MHD_Result reply(MHD_Connection* c, unsigned status, const std::string& body,
                            std::initializer_list<std::pair<const char*, std::string>> headers) {
        MHD_Response* r = MHD_create_response_from_buffer(body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY);
        for (const auto& [name, value] : headers) MHD_add_response_header(r, name, value.c_str());
        MHD_Result result = MHD_queue_response(c, status, r);
        MHD_destroy_response(r);
        return result;
    }

    static MHD_Result handle(void* cls, MHD_Connection* c, const char* url, const char* method, const char*,
                             const char*, size_t* upload_size, void** state) {
        auto* self = static_cast<FakeCa*>(cls);
        if (!*state) {  // first call for this request: headers only
            *state = self;
            return MHD_YES;
        }
        if (*upload_size) {  // discard the JWS body
            *upload_size = 0;
            return MHD_YES;
        }
        const std::string path = url, verb = method;
        const std::string nonce = "nonce" + std::to_string(self->nonce_counter_++);
        if (path == "/dir")
            return reply(c, 200,
                         R"({"newNonce":")" + self->url("/nonce") + R"(","newAccount":")" + self->url("/acct") +
                             R"(","newOrder":")" + self->url("/order") + R"("})",
                         {{"Content-Type", "application/json"}});
        if (path == "/nonce") return reply(c, 200, "", {{"Replay-Nonce", nonce}});
        if (path == "/big") return reply(c, 200, std::string(100000, 'x'), {{"Link", "<" + self->url("/up") + ">;rel=\"up\""}});
        if (path == "/acct" && verb == "POST") {
            if (self->posts_++ < self->refusals_) {
                std::string type = self->status_ == 429 ? "rateLimited" : "serverInternal";
                std::string body = R"({"type":"urn:ietf:params:acme:error:)" + type + R"(","detail":"slow down"})";
                if (self->retry_after_.empty())
                    return reply(c, self->status_, body, {{"Replay-Nonce", nonce}, {"Content-Type", "application/problem+json"}});
                return reply(c, self->status_, body,
                             {{"Replay-Nonce", nonce}, {"Retry-After", self->retry_after_}, {"Content-Type", "application/problem+json"}});
            }
            return reply(c, 201, R"({"status":"valid"})", {{"Replay-Nonce", nonce}, {"Location", self->url("/acct/1")}});
        }
        return reply(c, 404, "", {});
    }

    int refusals_;
    unsigned status_;
    std::string retry_after_;
    std::atomic<int> posts_{0};
    std::atomic<int> nonce_counter_{0};
    int port_ = 0;
    std::unique_ptr<MHD_Daemon, DaemonDeleter> daemon_;
};

}  // namespace

TEST_CASE("503 with Retry-After is waited out and retried") {
    FakeCa ca(1, 503, "1");
    AcmeClient client(ca.url("/dir"), plain_http());
    HttpResponse r = client.post_jwk(client.directory().new_account, "{}", AccountKey::generate());
    CHECK(r.status == 201);
    CHECK(ca.posts() == 2);
}

TEST_CASE("429 without Retry-After uses the default wait") {
    FakeCa ca(2, 429, "");
    AcmeClient client(ca.url("/dir"), plain_http());
    CHECK(client.post_jwk(client.directory().new_account, "{}", AccountKey::generate()).status == 201);
    CHECK(ca.posts() == 3);
}

TEST_CASE("a Retry-After beyond the budget fails at once and says when to retry") {
    FakeCa ca(100, 429, "3600");
    AcmeClient client(ca.url("/dir"), plain_http());
    try {
        client.post_jwk(client.directory().new_account, "{}", AccountKey::generate());
        FAIL("expected AcmeError");
    } catch (const AcmeError& e) {
        CHECK(e.problem().is("rateLimited"));
        CHECK(e.retry_after() == std::chrono::seconds(3600));
        std::string what = e.what();
        CHECK(what.find("retry after 20") != std::string::npos);  // an ISO date
        CHECK(what.find("urn:ietf:params:acme:error:rateLimited: slow down") != std::string::npos);
    }
    CHECK(ca.posts() == 1);
}

TEST_CASE("the total wait is bounded even when every answer asks to wait") {
    FakeCa ca(100, 503, "1");
    RetryPolicy retry;
    retry.max_total_wait = std::chrono::seconds(2);
    AcmeClient client(ca.url("/dir"), plain_http(), retry);
    CHECK_THROWS_AS(client.post_jwk(client.directory().new_account, "{}", AccountKey::generate()), AcmeError);
    CHECK(ca.posts() == 3);  // the first try and two retries after 1 s each
}

TEST_CASE("without the test-only opt-in a plain-http CA is refused before any request") {
    FakeCa ca(0, 200, "");
    AcmeClient client(ca.url("/dir"), HttpOptions{});
    try {
        client.directory();
        FAIL("an http:// directory was fetched");
    } catch (const HttpError& e) {
        CHECK(std::string(e.what()).find("not an https URL") != std::string::npos);
    }
    HttpClient http(HttpOptions{});
    CHECK_THROWS_AS(http.get("HTTP://127.0.0.1:1/dir"), HttpError);
    CHECK(ca.requests() == 0);
}

TEST_CASE("HttpClient refuses a body over max_body with one clear line") {
    FakeCa ca(0, 503, "");
    HttpOptions small = plain_http();
    small.max_body = 1000;
    HttpClient http(small);
    try {
        http.get(ca.url("/big"));
        FAIL("expected HttpError");
    } catch (const HttpError& e) {
        CHECK(std::string(e.what()) == "cannot reach CA at " + ca.url("/big") + ": response body exceeds 1000 bytes");
    }
    HttpClient roomy{plain_http()};
    HttpResponse r = roomy.get(ca.url("/big"));
    CHECK(r.body.size() == 100000);
    CHECK(r.links_with_rel("up") == std::vector<std::string>{ca.url("/up")});
    CHECK(r.status == 200);
    CHECK(roomy.get(ca.url("/nothing")).status == 404);
}
