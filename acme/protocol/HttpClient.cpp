#include "acme/protocol/HttpClient.hpp"

#include "storage/base/Clock.hpp"
#include "storage/base/Text.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <mutex>

namespace certa::acme {

namespace {

struct CurlEasyDeleter {
    void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
struct CurlSlistDeleter {
    void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using CurlPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool is_https(const std::string& url) { return storage::lowercase(url.substr(0, 8)) == "https://"; }

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// Collects the body; aborts the transfer when it exceeds the limit.
struct Transfer {
    HttpResponse* response;
    std::size_t max_body;
    bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t n = size * count;
    if (t->response->body.size() + n > t->max_body) {
        t->too_large = true;
        return 0;  // makes curl fail with CURLE_WRITE_ERROR
    }
    t->response->body.append(data, n);
    return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t n = size * count;
    std::string line(data, n);
    if (line.rfind("HTTP/", 0) == 0) {
        // A new response (after 100-continue or a redirect): start over.
        t->response->headers.clear();
        t->response->links.clear();
        return n;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) return n;
    std::string name = storage::lowercase(trim(line.substr(0, colon)));
    std::string value = trim(line.substr(colon + 1));
    if (name == "link") t->response->links.push_back(value);
    t->response->headers[name] = value;
    return n;
}

}  // namespace

struct HttpClient::Impl {
    CurlPtr easy;
};

HttpError::HttpError(std::string url, const std::string& message)
    : std::runtime_error("cannot reach CA at " + url + ": " + message), url_(std::move(url)) {}

std::optional<std::string> HttpResponse::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

// RFC 8288: Link: <url>; rel="up", <url2>; rel=alternate
std::vector<std::string> HttpResponse::links_with_rel(const std::string& rel) const {
    std::vector<std::string> out;
    for (const auto& value : links) {
        size_t pos = 0;
        while (pos < value.size()) {
            auto open = value.find('<', pos);
            if (open == std::string::npos) break;
            auto close = value.find('>', open);
            if (close == std::string::npos) break;
            std::string target = value.substr(open + 1, close - open - 1);
            auto next = value.find('<', close);
            std::string params = storage::lowercase(value.substr(close + 1, next == std::string::npos ? std::string::npos : next - close - 1));
            auto r = params.find("rel=");
            if (r != std::string::npos) {
                std::string v = params.substr(r + 4);
                auto end = v.find_first_of(";,");
                v = trim(v.substr(0, end));
                if (!v.empty() && v.front() == '"') v = v.substr(1, v.find('"', 1) == std::string::npos ? std::string::npos : v.find('"', 1) - 1);
                // rel may hold several space-separated relation types
                size_t s = 0;
                while (s <= v.size()) {
                    auto sp = v.find(' ', s);
                    if (v.substr(s, sp == std::string::npos ? std::string::npos : sp - s) == storage::lowercase(rel)) {
                        out.push_back(target);
                        break;
                    }
                    if (sp == std::string::npos) break;
                    s = sp + 1;
                }
            }
            pos = next == std::string::npos ? value.size() : next;
        }
    }
    return out;
}

std::optional<std::chrono::seconds> HttpResponse::retry_after() const {
    auto v = header("retry-after");
    if (!v || v->empty()) return std::nullopt;
    if (std::all_of(v->begin(), v->end(), [](unsigned char c) { return std::isdigit(c); })) {
        if (v->size() > 9) return std::chrono::seconds(999999999);
        return std::chrono::seconds(std::stol(*v));
    }
    // HTTP-date (IMF-fixdate), e.g. "Sun, 06 Nov 1994 08:49:37 GMT"
    time_t when = curl_getdate(v->c_str(), nullptr);
    if (when < 0) return std::nullopt;
    auto delta = static_cast<long long>(when) - static_cast<long long>(storage::unix_now());
    return std::chrono::seconds(std::max<long long>(0, delta));
}

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
    global_init();
    impl_->easy.reset(curl_easy_init());
    if (!impl_->easy) throw std::runtime_error("curl_easy_init failed");
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::get(const std::string& url) { return perform("GET", url, nullptr, {}); }
HttpResponse HttpClient::head(const std::string& url) { return perform("HEAD", url, nullptr, {}); }
HttpResponse HttpClient::post(const std::string& url, const std::string& body, const std::string& content_type) {
    return perform("POST", url, &body, content_type);
}

HttpResponse HttpClient::perform(const std::string& method, const std::string& url, const std::string* body,
                                 const std::string& content_type) {
    CURL* h = impl_->easy.get();
    curl_easy_reset(h);
    HttpResponse response;
    Transfer transfer{&response, options_.max_body};
    char error[CURL_ERROR_SIZE] = {0};

    SlistPtr headers;
    auto add_header = [&headers](const std::string& line) {
        curl_slist* l = curl_slist_append(headers.get(), line.c_str());
        if (!l) throw std::bad_alloc();
        static_cast<void>(headers.release());
        headers.reset(l);
    };
    if (!content_type.empty()) add_header("Content-Type: " + content_type);
    add_header("Expect:");  // no 100-continue round trip

    if (!is_https(url) && options_.https_only)
        throw HttpError(url, "not an https URL: ACME is spoken over HTTPS only (RFC 8555 §6.1)");
    // Every option is checked: a libcurl that ignored one (TLS verification, a
    // protocol limit) must not send the request.
    // The handle must not keep pointers to this frame's buffers, however it ends.
    struct Unhook {
        CURL* h;
        ~Unhook() {
            curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
            curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
        }
    } unhook{h};
    auto set = [&](CURLoption option, auto value) {
        if (CURLcode rc = curl_easy_setopt(h, option, value); rc != CURLE_OK)
            throw HttpError(url, std::string("libcurl refused an option: ") + curl_easy_strerror(rc));
    };
    set(CURLOPT_URL, url.c_str());
    set(CURLOPT_ERRORBUFFER, error);
    set(CURLOPT_NOSIGNAL, 1L);
    set(CURLOPT_PROTOCOLS_STR, options_.https_only ? "https" : "https,http");
    set(CURLOPT_SSL_VERIFYPEER, 1L);
    set(CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_bundle.empty()) set(CURLOPT_CAINFO, options_.ca_bundle.c_str());
    set(CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
    set(CURLOPT_TIMEOUT_MS, options_.timeout_ms);
    set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
    set(CURLOPT_USERAGENT, "certa/" CERTA_VERSION);
    set(CURLOPT_FOLLOWLOCATION, 0L);  // ACME uses Location for new resources
    set(CURLOPT_WRITEFUNCTION, on_body);
    set(CURLOPT_WRITEDATA, &transfer);
    set(CURLOPT_HEADERFUNCTION, on_header);
    set(CURLOPT_HEADERDATA, &transfer);
    set(CURLOPT_HTTPHEADER, headers.get());
    if (method == "HEAD") {
        set(CURLOPT_NOBODY, 1L);
    } else if (method == "POST") {
        set(CURLOPT_POST, 1L);
        set(CURLOPT_POSTFIELDS, body->data());
        set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    } else {
        set(CURLOPT_HTTPGET, 1L);
    }

    CURLcode rc = curl_easy_perform(h);
    if (transfer.too_large)
        throw HttpError(url, "response body exceeds " + std::to_string(options_.max_body) + " bytes");
    if (rc != CURLE_OK) {
        std::string message = error[0] ? std::string(error) : std::string(curl_easy_strerror(rc));
        while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
        throw HttpError(url, message);
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

}  // namespace certa::acme
