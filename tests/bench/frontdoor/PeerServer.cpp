#include "PeerServer.hpp"

#include "../BenchStore.hpp"
#include "CaddyStorage.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace certa::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::vector<std::string> haproxy_argv(const BenchCertSet& certs, const std::string& work, std::uint16_t port) {
    std::ofstream list(work + "/crt-list.txt");
    for (std::size_t i = 0; i < certs.count; ++i) list << certs.pem(i) << "\n";
    list.close();
    write_text(work + "/haproxy.cfg",
               "global\n  nbthread 2\n  maxconn 8192\n  log stderr format short local0 err\n"
               "defaults\n  mode http\n  timeout connect 5s\n  timeout client 5s\n  timeout server 5s\n"
               "frontend bench\n  bind 127.0.0.1:" + std::to_string(port) + " ssl crt-list " + work +
                   "/crt-list.txt\n  http-request return status 200\n");
    return {peer_binary("haproxy"), "-db", "-f", work + "/haproxy.cfg"};
}

// nginx-no-tickets: the same with ssl_session_tickets off, i.e. the TLS work
// `certa serve` does without a target (no resumption offered): like for like.
std::vector<std::string> nginx_argv(const BenchCertSet& certs, const std::string& work, std::uint16_t port,
                                    bool tickets) {
    std::ofstream conf(work + "/nginx.conf");
    conf << "worker_processes 2;\ndaemon off;\npid " << work << "/nginx.pid;\nerror_log " << work
         << "/error.log error;\nevents { worker_connections 8192; }\nhttp {\n  access_log off;\n"
         << (tickets ? "" : "  ssl_session_tickets off;\n")
         << "  ssl_protocols TLSv1.2 TLSv1.3;\n  server_names_hash_max_size 1048576;\n  server_names_hash_bucket_size 128;\n"
         << "  client_body_temp_path " << work << "/body;\n  proxy_temp_path " << work << "/proxy;\n"
         << "  fastcgi_temp_path " << work << "/fastcgi;\n  uwsgi_temp_path " << work << "/uwsgi;\n"
         << "  scgi_temp_path " << work << "/scgi;\n";
    for (std::size_t i = 0; i < certs.count; ++i) {
        conf << "  server { listen 127.0.0.1:" << port << " ssl; server_name " << name_of(i) << "; ssl_certificate "
             << certs.pem(i) << "; ssl_certificate_key " << certs.pem(i) << "; return 200; }\n";
    }
    conf << "}\n";
    conf.close();
    return {peer_binary("nginx"), "-p", work, "-e", work + "/error.log", "-c", work + "/nginx.conf"};
}

// nginx with ngx_http_certa_module: one catch-all block serving the store
// ($CERTA_NGINX_MODULE). Workers as root here: the bench's store is root's
// 0600 (certa-nginx(8) documents the group-shared layout for www-data).
std::vector<std::string> nginx_certa_argv(const BenchCertSet& certs, const std::string& work, std::uint16_t port) {
    const char* module = std::getenv("CERTA_NGINX_MODULE");
    std::ofstream conf(work + "/nginx.conf");
    conf << "load_module " << (module ? module : "") << ";\nuser root;\n"
         << "worker_processes 2;\ndaemon off;\npid " << work << "/nginx.pid;\nerror_log " << work
         << "/error.log error;\nevents { worker_connections 8192; }\nhttp {\n  access_log off;\n"
         << "  ssl_protocols TLSv1.2 TLSv1.3;\n"
         << "  client_body_temp_path " << work << "/body;\n  proxy_temp_path " << work << "/proxy;\n"
         << "  fastcgi_temp_path " << work << "/fastcgi;\n  uwsgi_temp_path " << work << "/uwsgi;\n"
         << "  scgi_temp_path " << work << "/scgi;\n  certa_store " << certs.store << ";\n"
         << "  server { listen 127.0.0.1:" << port << " ssl default_server; server_name _; ssl_certificate "
         << certs.pem(0) << "; ssl_certificate_key " << certs.pem(0) << "; certa on; return 200; }\n}\n";
    conf.close();
    return {peer_binary("nginx"), "-p", work, "-e", work + "/error.log", "-c", work + "/nginx.conf"};
}

std::vector<std::string> caddy_argv(const BenchCertSet& certs, const std::string& work, std::uint16_t port) {
    std::ofstream conf(work + "/caddy.json");
    conf << "{\"admin\":{\"disabled\":true},\"storage\":{\"module\":\"file_system\",\"root\":\"" << work
         << "/data\"},\"apps\":{\"tls\":{\"certificates\":{\"load_files\":[";
    for (std::size_t i = 0; i < certs.count; ++i)
        conf << (i ? "," : "") << "{\"certificate\":\"" << certs.pem(i) << "\",\"key\":\"" << certs.pem(i) << "\"}";
    conf << "]}},\"http\":{\"servers\":{\"bench\":{\"listen\":[\"127.0.0.1:" << port
         << "\"],\"automatic_https\":{\"disable\":true},\"tls_connection_policies\":[{}],"
         << "\"routes\":[{\"handle\":[{\"handler\":\"static_response\",\"status_code\":200}]}]}}}}}\n";
    conf.close();
    return {peer_binary("caddy"), "run", "--config", work + "/caddy.json"};
}

// Caddy with on-demand TLS on the cert set's storage tree (CaddyStorage) and
// its default cache capacity (10,000; not raised: that bound is the point).
// A miss loads the certificate from storage before any `ask` or CA call
// (certmagic 0.17 getCertDuringHandshake), so the ACME issuer's CA
// (caddy_storage_ca) and the `ask` URL, both on loopback ports that refuse,
// are never contacted for a name in the set; nothing can be obtained.
// Log level ERROR: each load logs a "stapling OCSP" warning (the bench
// certificates carry no OCSP URL), which would measure Caddy's logging.
std::vector<std::string> caddy_storage_argv(const BenchCertSet& certs, const std::string& work, std::uint16_t port) {
    write_text(work + "/caddy.json",
               std::string("{\"admin\":{\"disabled\":true},\"logging\":{\"logs\":{\"default\":{\"level\":\"ERROR\"}}},"
                           "\"storage\":{\"module\":\"file_system\",\"root\":\"") +
                   caddy_storage_root(certs) +
                   "\"},\"apps\":{\"tls\":{\"automation\":{\"policies\":[{\"issuers\":[{\"module\":\"acme\",\"ca\":\"" +
                   caddy_storage_ca +
                   "\"}],\"on_demand\":true}],\"on_demand\":{\"ask\":\"http://127.0.0.1:9/ask\"}}},"
                   "\"http\":{\"servers\":{\"bench\":{\"listen\":[\"127.0.0.1:" + std::to_string(port) +
                   "\"],\"automatic_https\":{\"disable\":true},\"tls_connection_policies\":[{}],"
                   "\"routes\":[{\"handle\":[{\"handler\":\"static_response\",\"status_code\":200}]}]}}}}}\n");
    return {peer_binary("caddy"), "run", "--config", work + "/caddy.json"};
}

// certa-bounded: --cache-size 10000, the bound of Caddy's default cache, so
// that beside caddy-storage both hold at most 10,000 parsed and load the rest.
std::vector<std::string> certa_argv(const std::string& binary, const BenchCertSet& certs, std::uint16_t port,
                                    bool bounded) {
    std::vector<std::string> argv{binary, "--store", certs.store, "--log-level", "warn", "serve", "--threads", "2",
                                  "--listen", "127.0.0.1:" + std::to_string(port)};
    if (bounded) argv.insert(argv.end(), {"--cache-size", "10000"});
    return argv;
}

}  // namespace

std::string peer_binary(const std::string& kind) {
    if (kind == "certa" || kind == "certa-bounded") return test::certa_bin();
    if (kind == "certa-baseline") {
        const char* baseline = std::getenv("CERTA_BASELINE_BIN");
        return baseline && ::access(baseline, X_OK) == 0 ? std::string(baseline) : std::string();
    }
    if (kind == "caddy-storage") return peer_binary("caddy");
    if (kind == "nginx-no-tickets") return peer_binary("nginx");
    if (kind == "nginx-certa") {
        const char* module = std::getenv("CERTA_NGINX_MODULE");
        if (!module || ::access(module, R_OK) != 0) return {};
        return peer_binary("nginx");
    }
    for (const char* dir : {"/usr/sbin/", "/usr/bin/"}) {
        std::string path = dir + kind;
        if (::access(path.c_str(), X_OK) == 0) return path;
    }
    return {};
}

std::optional<PeerServer> start_peer(const std::string& kind, const BenchCertSet& certs, const std::string& work,
                                     HandshakePool& probe, std::chrono::seconds ready_timeout) {
    if (peer_binary(kind).empty()) {
        std::printf("%s: not installed, left out\n", kind.c_str());
        return std::nullopt;
    }
    fs::remove_all(work);
    fs::create_directories(work);
    PeerServer server;
    server.name = kind;
    server.port = free_port();
    std::vector<std::string> argv = kind == "haproxy" ? haproxy_argv(certs, work, server.port)
                                    : kind == "nginx" || kind == "nginx-no-tickets"
                                        ? nginx_argv(certs, work, server.port, kind == "nginx")
                                    : kind == "nginx-certa" ? nginx_certa_argv(certs, work, server.port)
                                    : kind == "caddy" ? caddy_argv(certs, work, server.port)
                                    : kind == "caddy-storage" ? caddy_storage_argv(certs, work, server.port)
                                                      : certa_argv(peer_binary(kind), certs, server.port, kind == "certa-bounded");
    test::RunOptions options;
    options.env = {{"HOME", work}, {"XDG_DATA_HOME", work + "/xdg"}, {"XDG_CONFIG_HOME", work + "/xdg"},
                   {"GOMAXPROCS", "2"}};
    if (const char* lib = std::getenv("CERTA_HANDSHAKE_LIB_DIR")) options.env["LD_LIBRARY_PATH"] = lib;
    const auto spawned = Clock::now();
    server.process = std::make_unique<test::Background>(argv, options);
    const auto until = spawned + ready_timeout;
    while (Clock::now() < until) {
        if (probe.probe(server.port)) {
            server.ready_ms = std::chrono::duration<double, std::milli>(Clock::now() - spawned).count();
            return server;
        }
        if (!server.process->running()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::printf("%s: not ready (%s); stderr: %.300s\n", kind.c_str(),
                server.process->running() ? "timed out" : "exited", server.process->err().c_str());
    return std::nullopt;
}

}  // namespace certa::bench
