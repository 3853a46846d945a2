#include "PebbleHarness.hpp"

#include "TestCertificates.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <stdexcept>
#include <random>
#include <thread>

namespace certa::test {

namespace {

// Binds 127.0.0.1:port (0: any) with `type`; returns the bound port or 0.
int bind_port(int type, int port) {
    int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    int result = 0;
    socklen_t len = sizeof addr;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        result = ntohs(addr.sin_port);
    close(fd);
    return result;
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path);
}

std::string json_quote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

bool curl_ok(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"curl", "-s", "-o", "/dev/null", "--max-time", "2"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, RunOptions{{}, {}, std::chrono::milliseconds(5000)}).exit_code == 0;
}

}  // namespace

// A port below Linux's ephemeral range (32768-60999 by default), so that no
// outgoing connection of a test running beside this one (the flood tests open
// thousands) takes it between choosing it and the server binding it. Never
// the same one twice in a process: a port handed out but not bound yet (a
// harness picks several before it starts its server) is not free for another.
int candidate_port() {
    static std::mutex mutex;
    static std::set<int> handed_out;
    static std::mt19937 random(std::random_device{}());
    std::lock_guard lock(mutex);
    for (int i = 0; i < 1000; ++i) {
        const int port = std::uniform_int_distribution<int>(20000, 32000)(random);
        if (handed_out.insert(port).second) return port;
    }
    throw std::runtime_error("no port left to hand out in 20000-32000");
}

int free_tcp_port() {
    for (int i = 0; i < 200; ++i)
        if (int p = bind_port(SOCK_STREAM, candidate_port())) return p;
    throw std::runtime_error("no free TCP port on 127.0.0.1");
}

int free_tcp_udp_port() {
    for (int i = 0; i < 200; ++i) {
        int p = bind_port(SOCK_STREAM, candidate_port());
        if (p && bind_port(SOCK_DGRAM, p) == p) return p;
    }
    throw std::runtime_error("no free TCP+UDP port on 127.0.0.1");
}

PebbleHarness::PebbleHarness(PebbleOptions options) {
    // The WFE's HTTPS certificate: a throwaway CA and a leaf for localhost/127.0.0.1.
    TestCert ca = make_ca("pebble WFE test CA");
    TestCert wfe = make_issued({"localhost", "127.0.0.1"}, "ec256", ca, -3600, 86400 * 30);
    write_file(dir_.file("ca-bundle.pem"), ca.cert_pem);
    write_file(dir_.file("wfe-cert.pem"), wfe.cert_pem);
    write_file(dir_.file("wfe-key.pem"), wfe.key_pem);
    // A port can be taken between choosing and binding it: try a few times.
    for (int attempt = 0; attempt < 3; ++attempt)
        if (start_once(options)) return;
    throw std::runtime_error("pebble did not start: " + pebble_log());
}

PebbleHarness::~PebbleHarness() {
    pebble_.reset();
    challtestsrv_.reset();
}

bool PebbleHarness::start_once(const PebbleOptions& options) {
    pebble_.reset();
    challtestsrv_.reset();
    std::set<int> used;
    auto pick = [&used](int wanted, bool udp) {
        if (wanted) return wanted;
        for (int i = 0; i < 20; ++i) {
            int p = udp ? free_tcp_udp_port() : free_tcp_port();
            if (used.insert(p).second) return p;
        }
        throw std::runtime_error("cannot find distinct free ports");
    };
    acme_port_ = pick(0, false);
    mgmt_port_ = pick(0, false);
    http01_port_ = pick(options.http01_port, false);
    tlsalpn01_port_ = pick(options.tlsalpn01_port, false);
    dns_port_ = pick(0, true);
    dns_mgmt_port_ = pick(0, false);

    bool eab_required = options.eab_required || !options.eab.empty();
    std::string keys = "{";
    for (const auto& [kid, key] : options.eab) keys += (keys.size() > 1 ? "," : "") + json_quote(kid) + ":" + json_quote(key);
    keys += "}";
    std::string config = std::string("{\"pebble\": {\n") +
        "  \"listenAddress\": \"127.0.0.1:" + std::to_string(acme_port_) + "\",\n" +
        "  \"managementListenAddress\": \"127.0.0.1:" + std::to_string(mgmt_port_) + "\",\n" +
        "  \"certificate\": " + json_quote(dir_.file("wfe-cert.pem")) + ",\n" +
        "  \"privateKey\": " + json_quote(dir_.file("wfe-key.pem")) + ",\n" +
        "  \"httpPort\": " + std::to_string(http01_port_) + ",\n" +
        "  \"tlsPort\": " + std::to_string(tlsalpn01_port_) + ",\n" +
        "  \"ocspResponderURL\": " + json_quote(options.ocsp_responder_url) + ",\n" +
        "  \"externalAccountBindingRequired\": " + (eab_required ? "true" : "false") + ",\n" +
        "  \"externalAccountMACKeys\": " + keys + ",\n" +
        "  \"certificateValidityPeriod\": " + std::to_string(options.validity_seconds) + "\n}}\n";
    write_file(dir_.file("pebble-config.json"), config);

    // Mock DNS: every A query answers 127.0.0.1; its own challenge responders are off.
    challtestsrv_ = std::make_unique<Background>(std::vector<std::string>{
        "pebble-challtestsrv", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "",
        "-dns01", "127.0.0.1:" + std::to_string(dns_port_),
        "-management", "127.0.0.1:" + std::to_string(dns_mgmt_port_),
        "-http01", "", "-https01", "", "-tlsalpn01", ""});

    RunOptions run_options;
    run_options.env = options.env;
    run_options.env["PEBBLE_VA_NOSLEEP"] = "1";
    run_options.env["PEBBLE_AUTHZREUSE"] = "0";
    run_options.env["PEBBLE_WFE_NONCEREJECT"] = std::to_string(options.nonce_reject);
    pebble_ = std::make_unique<Background>(std::vector<std::string>{
        "pebble", "-config", dir_.file("pebble-config.json"),
        "-dnsserver", options.dns_server.empty() ? "127.0.0.1:" + std::to_string(dns_port_) : options.dns_server,
        "-strict=false"}, run_options);

    // Ready when /dir answers over TLS with our CA and challtestsrv listens (bounded: 10 s).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    bool acme_up = false, dns_up = false;
    for (int i = 0; i < 200 && std::chrono::steady_clock::now() < deadline; ++i) {
        if (!pebble_->running() || !challtestsrv_->running()) return false;
        if (!acme_up) acme_up = curl_ok({"-f", "--cacert", ca_bundle_path(), directory_url()});
        if (!dns_up) dns_up = curl_ok({dns_management_url() + "/"});
        if (acme_up && dns_up) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

std::string PebbleHarness::directory_url() const { return "https://127.0.0.1:" + std::to_string(acme_port_) + "/dir"; }
std::string PebbleHarness::ca_bundle_path() const { return dir_.file("ca-bundle.pem"); }
std::string PebbleHarness::management_url() const { return "https://127.0.0.1:" + std::to_string(mgmt_port_); }
std::string PebbleHarness::dns_management_url() const { return "http://127.0.0.1:" + std::to_string(dns_mgmt_port_); }

std::string PebbleHarness::management_get(const std::string& path) const {
    auto r = run({"curl", "-s", "-f", "--max-time", "5", "--cacert", ca_bundle_path(), management_url() + path},
                 RunOptions{{}, {}, std::chrono::milliseconds(10000)});
    return r.exit_code == 0 ? r.out : std::string();
}

std::string PebbleHarness::cert_status(const std::string& serial_hex) const {
    std::string body = management_get("/cert-status-by-serial/" + serial_hex);
    std::smatch m;
    static const std::regex status(R"re("Status"\s*:\s*"([^"]*)")re");
    return std::regex_search(body, m, status) ? m[1].str() : std::string();
}

std::string PebbleHarness::root_pem() const { return management_get("/roots/0"); }
std::string PebbleHarness::intermediate_pem() const { return management_get("/intermediates/0"); }
std::string PebbleHarness::intermediate_key_pem() const { return management_get("/intermediate-keys/0"); }

bool PebbleHarness::set_txt(const std::string& host, const std::string& value) const {
    return curl_ok({"-f", "-X", "POST", "-d", "{\"host\":" + json_quote(host) + ",\"value\":" + json_quote(value) + "}",
                    dns_management_url() + "/set-txt"});
}

bool PebbleHarness::clear_txt(const std::string& host) const {
    return curl_ok({"-f", "-X", "POST", "-d", "{\"host\":" + json_quote(host) + "}", dns_management_url() + "/clear-txt"});
}

void PebbleHarness::stop_pebble() { pebble_.reset(); }

std::string PebbleHarness::pebble_log() const {
    return pebble_ ? pebble_->out() + pebble_->err() : std::string();
}

}  // namespace certa::test
