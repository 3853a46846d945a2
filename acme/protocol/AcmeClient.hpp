// The ACME transport: directory, nonces, signed requests, badNonce retry and
// Retry-After. Thread-safe: concurrent orders share one client (one nonce
// pool; each request borrows an HttpClient from an internal pool).
#pragma once

#include "acme/protocol/AccountKey.hpp"
#include "acme/protocol/Directory.hpp"
#include "acme/protocol/HttpClient.hpp"
#include "acme/protocol/NoncePool.hpp"
#include "acme/protocol/Problem.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace certa::acme {

struct RetryPolicy {
    // RFC 8555 §6.5: retry with the nonce of the badNonce answer. 20 rather
    // than 5: a CA rejecting half of all nonces (Pebble's NONCEREJECT=50)
    // fails 1 request in 64 after 5 retries, 1 in 2 million after 20.
    int bad_nonce_retries = 20;
    std::chrono::seconds max_total_wait{60};          // Retry-After budget per request (429/503)
    std::chrono::seconds default_retry_after{1};      // 429/503 without Retry-After
};

class AcmeClient {
public:
    AcmeClient(std::string directory_url, HttpOptions http_options, RetryPolicy retry = {});
    ~AcmeClient();
    AcmeClient(const AcmeClient&) = delete;
    AcmeClient& operator=(const AcmeClient&) = delete;

    const std::string& directory_url() const noexcept { return directory_url_; }
    const HttpOptions& http_options() const noexcept { return http_options_; }
    // Fetched once, lazily (thread-safe). Throws HttpError / AcmeError / json::JsonError.
    const Directory& directory();

    // The account used for kid-signed requests. Set before sharing the client
    // between threads (or at least before the first signed request).
    void set_account(std::shared_ptr<const AccountKey> key, std::string kid);
    bool has_account() const;
    // Precondition: has_account() for kid(); account_key() throws std::logic_error without a key.
    const AccountKey& account_key() const;
    std::shared_ptr<const AccountKey> account_key_ptr() const;
    const std::string& kid() const;

    // Signed POSTs (RFC 8555 §6.2). A non-2xx answer throws AcmeError(parse_problem).
    // badNonce is retried with the nonce of the error response, up to
    // RetryPolicy::bad_nonce_retries times. 429/503 wait for Retry-After within
    // RetryPolicy::max_total_wait; past that AcmeError whose message says when
    // to retry. Every Replay-Nonce goes to the pool.
    HttpResponse post(const std::string& url, const std::string& payload_json);  // kid
    HttpResponse post_as_get(const std::string& url);                            // kid, payload ""
    HttpResponse post_jwk(const std::string& url, const std::string& payload_json,
                          const AccountKey& key);                                // jwk
    // A body that is already a complete JWS except for the nonce is not
    // expressible; callers needing a special outer JWS (keyChange) use this:
    // signs `payload_json` with `key` and `kid` (kid, not the stored account).
    HttpResponse post_kid(const std::string& url, const std::string& payload_json,
                          const AccountKey& key, const std::string& kid);
    // Plain GET (ARI, certificates from alternate links). Non-2xx → AcmeError.
    HttpResponse get(const std::string& url);

    NoncePool& nonce_pool() noexcept { return nonces_; }
    // Number of newNonce requests / badNonce retries so far (observability / tests).
    long new_nonce_requests() const;
    long bad_nonce_retries() const;

private:
    class HttpLease;
    std::unique_ptr<HttpClient> acquire_http();
    void release_http(std::unique_ptr<HttpClient> client);
    std::string fresh_nonce(HttpClient& http);
    void harvest_nonce(const HttpResponse& response);
    template <typename Sign>
    HttpResponse signed_post(const std::string& url, Sign&& sign);

    std::string directory_url_;
    HttpOptions http_options_;
    RetryPolicy retry_;
    NoncePool nonces_;

    std::mutex directory_mutex_;
    std::optional<Directory> directory_;

    mutable std::mutex account_mutex_;
    std::shared_ptr<const AccountKey> key_;
    std::string kid_;

    mutable std::mutex http_mutex_;
    std::vector<std::unique_ptr<HttpClient>> idle_http_;
    long new_nonce_requests_ = 0;
    long bad_nonce_retries_ = 0;
};

}  // namespace certa::acme
