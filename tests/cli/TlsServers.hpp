// Real HAProxy (Debian haproxy 2.6) and nginx started on loopback on a free
// port with a config in a temp dir, for the deploy tests; killed with the
// object. ServedSerial asks with the real `openssl s_client`.
#pragma once

#include "tests/cli/CliTestUtil.hpp"
#include "tests/support/PebbleHarness.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TestCertificates.hpp"

#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace certa::test::deploy {

// The serial `openssl s_client` is served for `sni` at 127.0.0.1:port, in the
// store's spelling without leading zero bytes ("" when the handshake failed).
inline std::string served_serial(int port, const std::string& sni) {
    const std::string cmd = "openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " -servername " + sni +
                            " </dev/null 2>/dev/null | openssl x509 -noout -serial";
    RunOptions o;
    o.timeout = std::chrono::seconds(10);
    auto r = run({"/bin/sh", "-c", cmd}, o);
    std::string out = r.out;
    if (out.rfind("serial=", 0) != 0) return {};
    out = out.substr(7);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

// Leading "00" bytes dropped: DER pads a high bit, openssl's BIGNUM print does not.
inline std::string normal_serial(std::string hex) {
    while (hex.size() > 2 && hex.rfind("00", 0) == 0) hex = hex.substr(2);
    return hex;
}

// Polls (bounded) until something accepts on 127.0.0.1:port.
inline bool wait_for_port(int port, std::chrono::seconds max = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + max;
    while (std::chrono::steady_clock::now() < deadline) {
        RunOptions o;
        o.timeout = std::chrono::seconds(5);
        if (run({"/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port)}, o).exit_code == 0) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

inline bool wait_for_file(const std::string& path, std::chrono::seconds max = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + max;
    while (std::chrono::steady_clock::now() < deadline) {
        if (std::filesystem::exists(path)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

// haproxy -db with `stats socket admin.sock level admin`, `user.sock level user`
// and one `bind 127.0.0.1:PORT ssl crt-list list.txt`; the list starts with a
// self-signed placeholder for each name in `placeholders` (crt/NAME.pem).
struct HaproxyServer {
    explicit HaproxyServer(const std::filesystem::path& base, const std::vector<std::string>& placeholders)
        : dir(base / "haproxy"), port(free_tcp_port()) {
        std::filesystem::create_directories(dir / "crt");
        std::string list;
        for (const auto& name : placeholders) {
            const auto cert = make_self_signed({name});
            cli::write_file(crt(name), cert.cert_pem + cert.key_pem);
            list += crt(name) + "\n";
        }
        cli::write_file(crt_list(), list);
        cli::write_file((dir / "haproxy.cfg").string(),
                        "global\n"
                        "  stats socket " + admin_socket() + " level admin\n"
                        "  stats socket " + user_socket() + " level user\n"
                        "defaults\n  mode tcp\n  timeout connect 2s\n  timeout client 5s\n  timeout server 5s\n"
                        "frontend tls\n  bind 127.0.0.1:" + std::to_string(port) + " ssl crt-list " + crt_list() + "\n");
        process = std::make_unique<Background>(
            std::vector<std::string>{"haproxy", "-db", "-f", (dir / "haproxy.cfg").string()});
        REQUIRE_MESSAGE(wait_for_port(port), process->err());
        REQUIRE(wait_for_file(admin_socket()));
    }

    std::string crt(const std::string& name) const { return (dir / "crt" / (name + ".pem")).string(); }
    std::string crt_list() const { return (dir / "list.txt").string(); }
    std::string admin_socket() const { return (dir / "admin.sock").string(); }
    std::string user_socket() const { return (dir / "user.sock").string(); }
    std::string check() const { return "127.0.0.1:" + std::to_string(port); }

    // One runtime API command, answered as `socat` would show it.
    std::string api(const std::string& line) const {
        RunOptions o;
        o.timeout = std::chrono::seconds(10);
        o.stdin_data = line + "\n";
        return run({"python3", "-c",
                    "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\n"
                    "s.sendall(sys.stdin.buffer.read())\nout=b''\nwhile True:\n  d=s.recv(4096)\n"
                    "  if not d: break\n  out+=d\nsys.stdout.write(out.decode())\n",
                    admin_socket()},
                   o)
            .out;
    }

    std::filesystem::path dir;
    int port;
    std::unique_ptr<Background> process;
};

// nginx (daemon off, master + worker) with -p PREFIX -c PREFIX/nginx.conf: one
// TLS server on 127.0.0.1:PORT using `fullchain` and `key`.
struct NginxServer {
    NginxServer(const std::filesystem::path& base, const std::string& fullchain, const std::string& key)
        : prefix(base / "nginx"), port(free_tcp_port()) {
        std::filesystem::create_directories(prefix / "logs");
        const std::string p = prefix.string();
        cli::write_file(conf(), std::string(::geteuid() == 0 ? "user root;\n" : "") +
                                    "daemon off;\n"
                                    "pid " + p + "/nginx.pid;\n"
                                    "error_log " + p + "/logs/error.log;\n"
                                    "events { worker_connections 64; }\n"
                                    "http {\n"
                                    "  access_log off;\n"
                                    "  client_body_temp_path " + p + "/body;\n"
                                    "  proxy_temp_path " + p + "/proxy;\n"
                                    "  server {\n"
                                    "    listen 127.0.0.1:" + std::to_string(port) + " ssl;\n"
                                    "    ssl_certificate " + fullchain + ";\n"
                                    "    ssl_certificate_key " + key + ";\n"
                                    "    return 200 \"ok\\n\";\n"
                                    "  }\n"
                                    "}\n");
        process = std::make_unique<Background>(std::vector<std::string>{"nginx", "-p", p, "-c", conf()});
        REQUIRE_MESSAGE(wait_for_port(port), (process->err() + cli::read_file(p + "/logs/error.log")));
        REQUIRE(wait_for_file(p + "/nginx.pid"));
    }

    std::string conf() const { return (prefix / "nginx.conf").string(); }
    std::string reload_command() const { return "nginx -p " + prefix.string() + " -c " + conf() + " -s reload"; }
    std::string check() const { return "127.0.0.1:" + std::to_string(port); }

    std::filesystem::path prefix;
    int port;
    std::unique_ptr<Background> process;
};

}  // namespace certa::test::deploy
