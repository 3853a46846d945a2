// A small HTTPS client over libcurl: one easy handle per instance (not
// thread-safe; use one per thread), TLS verification always on, bounded
// timeouts and response size, HTTP/2 when the server offers it.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace certa::acme {

struct HttpOptions {
    std::string ca_bundle;                 // extra trust anchors (PEM file); empty: system store
    long connect_timeout_ms = 10000;
    long timeout_ms = 30000;               // whole request
    std::size_t max_body = 2u << 20;       // a larger response body is an HttpError
    // RFC 8555 §6.1: ACME runs over HTTPS only; every other URL, whether the
    // user or the CA gave it, is an HttpError before anything is sent. Off
    // only for what is not ACME (the --ask check of a local service) and for
    // tests of a plain-HTTP mock server.
    bool https_only = true;
};

struct HttpResponse {
    long status = 0;
    std::map<std::string, std::string> headers;  // lowercase names; last value wins
    std::vector<std::string> links;              // every Link header value, raw
    std::string body;

    std::optional<std::string> header(const std::string& lower_name) const;
    // URLs of every Link with rel="REL" (RFC 8288), e.g. "up", "alternate", "index".
    std::vector<std::string> links_with_rel(const std::string& rel) const;
    // Retry-After (RFC 9110 §10.2.3): delta-seconds or an HTTP-date; nullopt if absent/bad.
    std::optional<std::chrono::seconds> retry_after() const;
    bool ok() const { return status >= 200 && status < 300; }
};

// A transport failure (DNS, connect, TLS, timeout, oversized body).
// what(): one line, "cannot reach CA at URL: <curl message>".
class HttpError : public std::runtime_error {
public:
    HttpError(std::string url, const std::string& message);
    const std::string& url() const noexcept { return url_; }

private:
    std::string url_;
};

class HttpClient {
public:
    explicit HttpClient(HttpOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    HttpResponse get(const std::string& url);
    HttpResponse head(const std::string& url);
    HttpResponse post(const std::string& url, const std::string& body, const std::string& content_type);

    const HttpOptions& options() const { return options_; }

private:
    struct Impl;
    HttpResponse perform(const std::string& method, const std::string& url, const std::string* body,
                         const std::string& content_type);
    HttpOptions options_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace certa::acme
