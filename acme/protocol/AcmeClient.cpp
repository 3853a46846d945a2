#include "acme/protocol/AcmeClient.hpp"

// spdlog first: fmt 9 does not compile when included after the cpprest headers.
#include <spdlog/spdlog.h>

#include "acme/protocol/Json.hpp"
#include "acme/protocol/Jws.hpp"

#include <ctime>
#include <stdexcept>
#include <thread>

namespace certa::acme {

namespace {

constexpr int kMaxAttempts = 50;  // hard cap on one request's attempts, whatever the CA says

std::string utc_time(std::chrono::system_clock::time_point when) {
    std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

bool retryable_status(long status) { return status == 429 || status == 503; }

}  // namespace

// Borrows an HttpClient for one request and gives it back afterwards.
class AcmeClient::HttpLease {
public:
    explicit HttpLease(AcmeClient& owner) : owner_(owner), client_(owner.acquire_http()) {}
    ~HttpLease() { owner_.release_http(std::move(client_)); }
    HttpLease(const HttpLease&) = delete;
    HttpLease& operator=(const HttpLease&) = delete;
    HttpClient& operator*() { return *client_; }
    HttpClient* operator->() { return client_.get(); }

private:
    AcmeClient& owner_;
    std::unique_ptr<HttpClient> client_;
};

AcmeClient::AcmeClient(std::string directory_url, HttpOptions http_options, RetryPolicy retry)
    : directory_url_(std::move(directory_url)), http_options_(std::move(http_options)), retry_(retry) {}

AcmeClient::~AcmeClient() = default;

std::unique_ptr<HttpClient> AcmeClient::acquire_http() {
    {
        std::lock_guard lock(http_mutex_);
        if (!idle_http_.empty()) {
            auto client = std::move(idle_http_.back());
            idle_http_.pop_back();
            return client;
        }
    }
    return std::make_unique<HttpClient>(http_options_);
}

void AcmeClient::release_http(std::unique_ptr<HttpClient> client) {
    if (!client) return;
    std::lock_guard lock(http_mutex_);
    idle_http_.push_back(std::move(client));
}

const Directory& AcmeClient::directory() {
    std::lock_guard lock(directory_mutex_);
    if (directory_) return *directory_;
    HttpLease http(*this);
    HttpResponse r = http->get(directory_url_);
    if (!r.ok()) throw AcmeError(parse_problem(r), "directory " + directory_url_, r.retry_after());
    harvest_nonce(r);
    try {
        directory_ = parse_directory(r.body, directory_url_);
    } catch (const json::JsonError& e) {
        throw json::JsonError("directory " + directory_url_ + " is not an ACME directory: " + e.what());
    }
    return *directory_;
}

void AcmeClient::set_account(std::shared_ptr<const AccountKey> key, std::string kid) {
    std::lock_guard lock(account_mutex_);
    key_ = std::move(key);
    kid_ = std::move(kid);
}

bool AcmeClient::has_account() const {
    std::lock_guard lock(account_mutex_);
    return key_ && !kid_.empty();
}

const AccountKey& AcmeClient::account_key() const {
    std::lock_guard lock(account_mutex_);
    if (!key_) throw std::logic_error("no ACME account key set");
    return *key_;
}

std::shared_ptr<const AccountKey> AcmeClient::account_key_ptr() const {
    std::lock_guard lock(account_mutex_);
    return key_;
}

const std::string& AcmeClient::kid() const {
    std::lock_guard lock(account_mutex_);
    return kid_;
}

long AcmeClient::new_nonce_requests() const {
    std::lock_guard lock(http_mutex_);
    return new_nonce_requests_;
}

long AcmeClient::bad_nonce_retries() const {
    std::lock_guard lock(http_mutex_);
    return bad_nonce_retries_;
}

void AcmeClient::harvest_nonce(const HttpResponse& response) {
    if (auto nonce = response.header("replay-nonce")) nonces_.add(*nonce);
}

// RFC 8555 §7.2: HEAD newNonce answers 200 with a Replay-Nonce.
std::string AcmeClient::fresh_nonce(HttpClient& http) {
    const std::string url = directory().new_nonce;
    {
        std::lock_guard lock(http_mutex_);
        ++new_nonce_requests_;
    }
    HttpResponse r = http.head(url);
    if (!r.ok()) throw AcmeError(parse_problem(r), "newNonce " + url, r.retry_after());
    auto nonce = r.header("replay-nonce");
    if (!nonce || nonce->empty()) throw AcmeError(Problem{"about:blank", "no Replay-Nonce in the answer", static_cast<int>(r.status), {}, {}}, "newNonce " + url);
    return *nonce;
}

template <typename Sign>
HttpResponse AcmeClient::signed_post(const std::string& url, Sign&& sign) {
    HttpLease http(*this);
    int bad_nonce_left = retry_.bad_nonce_retries;
    std::chrono::seconds waited{0};
    for (int attempt = 0;; ++attempt) {
        std::optional<std::string> nonce = nonces_.take();
        if (!nonce) nonce = fresh_nonce(*http);
        HttpResponse r = http->post(url, sign(*nonce), kJoseContentType);
        harvest_nonce(r);
        // URLs and statuses only: bodies may carry secrets (keys, tokens).
        spdlog::debug("ACME POST {} -> {}", url, r.status);
        if (r.ok()) return r;

        Problem problem = parse_problem(r);
        auto retry_after = r.retry_after();
        bool last = attempt + 1 >= kMaxAttempts;
        // RFC 8555 §6.5: a badNonce answer carries a fresh nonce; retry with it.
        if (problem.is("badNonce") && bad_nonce_left > 0 && !last) {
            --bad_nonce_left;
            spdlog::debug("ACME badNonce from {}, retrying with the nonce of the answer", url);
            {
                std::lock_guard lock(http_mutex_);
                ++bad_nonce_retries_;
            }
            continue;
        }
        if (retryable_status(r.status) && !last) {
            auto wait = retry_after.value_or(retry_.default_retry_after);
            if (waited + wait <= retry_.max_total_wait) {
                spdlog::info("CA answered {} for {}; retrying in {} s", r.status, url, wait.count());
                std::this_thread::sleep_for(wait);
                waited += wait;
                continue;
            }
            auto when = std::chrono::system_clock::now() + wait;
            throw AcmeError(std::move(problem), url + " (retry after " + utc_time(when) + ")", retry_after);
        }
        throw AcmeError(std::move(problem), url, retry_after);
    }
}

HttpResponse AcmeClient::post(const std::string& url, const std::string& payload_json) {
    auto key = account_key_ptr();
    std::string kid = this->kid();
    if (!key || kid.empty()) throw std::logic_error("no ACME account set on the client");
    return post_kid(url, payload_json, *key, kid);
}

HttpResponse AcmeClient::post_as_get(const std::string& url) { return post(url, ""); }

HttpResponse AcmeClient::post_jwk(const std::string& url, const std::string& payload_json, const AccountKey& key) {
    return signed_post(url, [&](const std::string& nonce) { return jws_with_jwk(key, url, nonce, payload_json); });
}

HttpResponse AcmeClient::post_kid(const std::string& url, const std::string& payload_json, const AccountKey& key,
                                  const std::string& kid) {
    return signed_post(url, [&](const std::string& nonce) { return jws_with_kid(key, kid, url, nonce, payload_json); });
}

HttpResponse AcmeClient::get(const std::string& url) {
    HttpLease http(*this);
    HttpResponse r = http->get(url);
    harvest_nonce(r);
    if (!r.ok()) throw AcmeError(parse_problem(r), url, r.retry_after());
    return r;
}

}  // namespace certa::acme
