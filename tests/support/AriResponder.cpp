#include "AriResponder.hpp"

#include "TestCertificates.hpp"
#include "storage/base/Base64Url.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <map>
#include <mutex>
#include <regex>
#include <stdexcept>

namespace certa::test {

struct AriResponder::State {
    std::string upstream;      // https://127.0.0.1:PEBBLE
    std::string upstream_ca;   // Pebble's WFE trust anchor
    std::string cert_pem, key_pem;
    mutable std::mutex mutex;
    std::optional<std::pair<std::int64_t, std::int64_t>> window;
    std::optional<int> retry_after;
    std::map<std::string, int> ari_requests;
    std::vector<std::string> replaces;
    std::string downgraded;  // a directory entry sent as http://
    std::pair<std::string, std::string> authz_rewrite;  // identifier value in authorizations: from -> to
    int refusals_left = 0;  // newOrders still to answer with `refusal`
    int refusal_status = 0;
    std::string refusal_type;
    bool unavailable = false;
    int unavailable_answers = 0;
};

namespace {

using CurlPtr = std::unique_ptr<CURL, void (*)(CURL*)>;
using SlistPtr = std::unique_ptr<curl_slist, void (*)(curl_slist*)>;
using ResponsePtr = std::unique_ptr<MHD_Response, void (*)(MHD_Response*)>;

struct Upstream {
    long status = 502;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
    static_cast<Upstream*>(user)->body.append(data, size * n);
    return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    std::string line(data, size * n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    const auto colon = line.find(':');
    if (colon != std::string::npos && line.rfind("HTTP/", 0) != 0) {
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        static_cast<Upstream*>(user)->headers.emplace_back(line.substr(0, colon), value);
    }
    return size * n;
}

Upstream forward(const AriResponder::State& s, const std::string& method, const std::string& path,
                 const std::string& host, const std::string& content_type, const std::string& body) {
    Upstream up;
    CurlPtr curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return up;
    SlistPtr headers(nullptr, curl_slist_free_all);
    auto add = [&](const std::string& h) { headers.reset(curl_slist_append(headers.release(), h.c_str())); };
    add("Host: " + host);  // Pebble builds URLs and checks JWS "url" from Host
    if (!content_type.empty()) add("Content-Type: " + content_type);
    add("Expect:");
    CURL* h = curl.get();
    const std::string url = s.upstream + path;
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_CAINFO, s.upstream_ca.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 20000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &up);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &up);
    if (method == "HEAD") curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    if (method == "POST") {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    if (curl_easy_perform(h) != CURLE_OK) {
        up.status = 502;
        up.body = "upstream unreachable";
        return up;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &up.status);
    return up;
}

// RFC 3339 in UTC ("2025-01-02T03:04:05Z").
std::string rfc3339(std::int64_t t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    std::ostringstream out;
    out << std::put_time(gmtime_r(&tt, &tm), "%FT%TZ");
    return out.str();
}

// The "replaces" member of a newOrder JWS body ("" when absent or unreadable).
std::string replaces_of(const std::string& jws) {
    static const std::regex payload(R"re("payload"\s*:\s*"([A-Za-z0-9_-]*)")re");
    static const std::regex replaces(R"re("replaces"\s*:\s*"([^"]*)")re");
    std::smatch m;
    if (!std::regex_search(jws, m, payload)) return {};
    const auto decoded_opt = certa::base64url_decode(m[1].str());
    if (!decoded_opt) return {};
    const std::string& decoded = *decoded_opt;
    return std::regex_search(decoded, m, replaces) ? m[1].str() : std::string();
}

MHD_Result reply(MHD_Connection* c, unsigned status, const std::string& body,
                 const std::vector<std::pair<std::string, std::string>>& headers) {
    ResponsePtr r(MHD_create_response_from_buffer(body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY),
                  MHD_destroy_response);
    if (!r) return MHD_NO;
    for (const auto& [name, value] : headers) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
        if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection" || lower == "date")
            continue;
        MHD_add_response_header(r.get(), name.c_str(), value.c_str());
    }
    return MHD_queue_response(c, status, r.get());
}

std::string header(MHD_Connection* c, const char* name) {
    const char* v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
    return v ? v : "";
}

MHD_Result handle(void* cls, MHD_Connection* c, const char* url, const char* method, const char*,
                  const char* upload_data, size_t* upload_size, void** con_cls) {
    auto& s = *static_cast<AriResponder::State*>(cls);
    if (!*con_cls) {
        *con_cls = new std::string;
        return MHD_YES;
    }
    auto* body = static_cast<std::string*>(*con_cls);
    if (*upload_size) {
        if (body->size() + *upload_size > (1u << 20)) return MHD_NO;
        body->append(upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    const std::string path = url, verb = method, host = header(c, "Host");
    {
        std::lock_guard lock(s.mutex);
        if (s.unavailable) {
            ++s.unavailable_answers;
            return reply(c, 503, "<html><body>503 Service Unavailable</body></html>",
                         {{"Content-Type", "text/html"}, {"Retry-After", "3600"}});
        }
    }
    static const std::string kAri = "/renewal-info/";
    if (verb == "GET" && path.rfind(kAri, 0) == 0) {
        std::lock_guard lock(s.mutex);
        ++s.ari_requests[path.substr(kAri.size())];
        if (!s.window) return reply(c, 404, "{}", {{"Content-Type", "application/json"}});
        std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"}};
        if (s.retry_after) headers.emplace_back("Retry-After", std::to_string(*s.retry_after));
        return reply(c, 200,
                     "{\"suggestedWindow\":{\"start\":\"" + rfc3339(s.window->first) + "\",\"end\":\"" +
                         rfc3339(s.window->second) + "\"}}",
                     headers);
    }
    if (verb == "POST" && path == "/order-plz") {
        std::lock_guard lock(s.mutex);
        s.replaces.push_back(replaces_of(*body));
        // RFC 8555 §6.7: a problem document; no Replay-Nonce, so the client fetches one.
        if (s.refusals_left > 0) {
            --s.refusals_left;
            return reply(c, static_cast<unsigned>(s.refusal_status),
                         "{\"type\":\"urn:ietf:params:acme:error:" + s.refusal_type +
                             "\",\"detail\":\"refused by the ARI test responder\"}",
                         {{"Content-Type", "application/problem+json"}});
        }
    }
    Upstream up = forward(s, verb, path, host, header(c, "Content-Type"), *body);
    if (path.rfind("/authZ/", 0) == 0 && up.status == 200) {
        std::lock_guard lock(s.mutex);
        const auto& [from, to] = s.authz_rewrite;
        if (!from.empty())
            up.body = std::regex_replace(up.body, std::regex("(\"value\"\\s*:\\s*\")" + from + "\""), "$1" + to + "\"");
    }
    if (verb == "GET" && path == "/dir" && up.status == 200) {
        std::lock_guard lock(s.mutex);
        if (!s.downgraded.empty())
            up.body = std::regex_replace(up.body, std::regex("(\"" + s.downgraded + "\"\\s*:\\s*\")https://"), "$1http://");
        const auto close = up.body.rfind('}');
        if (close != std::string::npos)
            up.body.insert(close, ",\"renewalInfo\":\"https://" + host + "/renewal-info\"");
    }
    return reply(c, static_cast<unsigned>(up.status), up.body, up.headers);
}

void completed(void*, MHD_Connection*, void** con_cls, MHD_RequestTerminationCode) {
    delete static_cast<std::string*>(*con_cls);
    *con_cls = nullptr;
}

}  // namespace

void AriResponder::DaemonDeleter::operator()(MHD_Daemon* d) const noexcept { MHD_stop_daemon(d); }

AriResponder::AriResponder(const PebbleHarness& pebble) : state_(std::make_unique<State>()) {
    TestCert ca = make_ca("ARI responder test CA");
    TestCert leaf = make_issued({"127.0.0.1", "localhost"}, "ec256", ca, -3600, 86400);
    std::ofstream(dir_.file("ca.pem")) << ca.cert_pem;
    state_->upstream = "https://127.0.0.1:" + std::to_string(pebble.acme_port());
    state_->upstream_ca = pebble.ca_bundle_path();
    state_->cert_pem = leaf.cert_pem;
    state_->key_pem = leaf.key_pem;

    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    MHD_Daemon* d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS, 0, nullptr, nullptr, &handle,
        state_.get(), MHD_OPTION_HTTPS_MEM_CERT, state_->cert_pem.c_str(), MHD_OPTION_HTTPS_MEM_KEY,
        state_->key_pem.c_str(), MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&addr),
        MHD_OPTION_NOTIFY_COMPLETED, &completed, nullptr, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
        MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_END);
    if (!d) throw std::runtime_error("the ARI responder cannot start");
    daemon_.reset(d);
    const MHD_DaemonInfo* info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    port_ = info ? info->port : 0;
    if (!port_) throw std::runtime_error("the ARI responder has no port");
}

AriResponder::~AriResponder() = default;

std::string AriResponder::directory_url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/dir"; }
std::string AriResponder::ca_bundle_path() const { return dir_.file("ca.pem"); }

void AriResponder::set_window(std::int64_t start, std::int64_t end, std::optional<int> retry_after_s) {
    std::lock_guard lock(state_->mutex);
    state_->window = std::make_pair(start, end);
    state_->retry_after = retry_after_s;
}

void AriResponder::clear_window() {
    std::lock_guard lock(state_->mutex);
    state_->window.reset();
}

int AriResponder::renewal_info_requests() const {
    std::lock_guard lock(state_->mutex);
    int total = 0;
    for (const auto& [id, n] : state_->ari_requests) total += n;
    return total;
}

int AriResponder::renewal_info_requests(const std::string& cert_id) const {
    std::lock_guard lock(state_->mutex);
    auto it = state_->ari_requests.find(cert_id);
    return it == state_->ari_requests.end() ? 0 : it->second;
}

void AriResponder::downgrade_directory_entry(const std::string& name) {
    std::lock_guard lock(state_->mutex);
    state_->downgraded = name;
}

void AriResponder::rewrite_authorization_identifier(const std::string& from, const std::string& to) {
    std::lock_guard lock(state_->mutex);
    state_->authz_rewrite = {from, to};
}

void AriResponder::set_unavailable(bool on) {
    std::lock_guard lock(state_->mutex);
    state_->unavailable = on;
}

int AriResponder::unavailable_answers() const {
    std::lock_guard lock(state_->mutex);
    return state_->unavailable_answers;
}

void AriResponder::refuse_orders(int count, int status, const std::string& problem_type) {
    std::lock_guard lock(state_->mutex);
    state_->refusals_left = count;
    state_->refusal_status = status;
    state_->refusal_type = problem_type;
}

std::vector<std::string> AriResponder::new_order_replaces() const {
    std::lock_guard lock(state_->mutex);
    return state_->replaces;
}

}  // namespace certa::test
