// One TLS server of the front-door benchmark, started as a real process on
// a loopback port with every certificate of a BenchCertSet:
//   certa   `certa serve` on the set's store
//   certa-baseline  the same with another certa binary ($CERTA_BASELINE_BIN,
//           e.g. the previous build), to measure a change in the same run
//   certa-bounded  `certa serve --cache-size 10000`: Caddy's default bound
//   haproxy one `bind ... ssl crt-list` (Debian haproxy)
//   nginx   one server block per certificate (Debian nginx-light)
//   nginx-certa  one catch-all block with ngx_http_certa_module on the store
//   caddy   tls.certificates.load_files (Debian caddy)
//   caddy-storage  Caddy with on-demand TLS and its default 10,000-certificate
//           cache, loading each missed certificate from its file_system
//           storage (CaddyStorage); no CA or `ask` endpoint is ever reached
// Each gets 2 threads/workers. Ready time runs from the spawn to the first
// handshake that served the right leaf.
#pragma once

#include "BenchCertSet.hpp"
#include "HandshakePool.hpp"
#include "tests/support/Subprocess.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace certa::bench {

struct PeerServer {
    std::string name;
    std::uint16_t port = 0;
    double ready_ms = 0;
    std::unique_ptr<test::Background> process;
};

// Known kinds: "certa", "certa-baseline", "certa-bounded", "haproxy", "nginx", "nginx-certa", "caddy",
// "caddy-storage". `work` is a scratch dir
// for configs and logs. Returns nothing (and prints why) when the server did
// not come up within `ready_timeout`.
std::optional<PeerServer> start_peer(const std::string& kind, const BenchCertSet& certs, const std::string& work,
                                     HandshakePool& probe, std::chrono::seconds ready_timeout);

// The binary `kind` runs, or "" when it is not installed.
std::string peer_binary(const std::string& kind);

}  // namespace certa::bench
