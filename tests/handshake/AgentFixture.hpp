// An Agent over a fresh SQLite store in a temp dir, attached to a server
// context, with a client context for handshakes over BIO pairs (TlsTestPeer).
// Shared by the agent's TLS tests; corrupt_chain breaks a row behind the agent's back.
#pragma once

#include "TlsTestPeer.hpp"
#include "handshake/agent/Agent.hpp"
#include "storage/Store.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"

#include <memory>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace certa::test {

struct AgentFixture {
    TempDir dir;
    std::string path = dir.file("certa.db");
    std::unique_ptr<storage::Store> store = storage::open_store(path);
    ossl::SslCtxPtr server = make_server_ctx();
    ossl::SslCtxPtr client = make_client_ctx();
    std::unique_ptr<handshake::Agent> agent;

    // Opens the agent on the store and attaches it to `server`.
    void open(const handshake::AgentOptions& options) {
        agent = handshake::Agent::open(path, options);
        agent->attach(server.get());
    }
    // Breaks row `id`'s chain PEM in the store file (sqlite3), as a bad write or a bad disk would.
    void corrupt_chain(std::int64_t id) const {
        const std::string sql =
            "UPDATE certificates SET chain_pem = 'not a certificate' WHERE id = " + std::to_string(id);
        const auto r = run({"sqlite3", path, sql});
        if (r.exit_code != 0) throw std::runtime_error("sqlite3: " + r.err);
    }
    // One full handshake (from `client_ctx`, else `client`).
    HandshakeResult hello(std::optional<std::string> sni, std::vector<std::string> alpn = {},
                          std::string sigalgs = {}, SSL_CTX* client_ctx = nullptr) {
        ClientOptions o;
        o.sni = std::move(sni);
        o.alpn = std::move(alpn);
        o.sigalgs = std::move(sigalgs);
        return run_handshake(server.get(), client_ctx ? client_ctx : client.get(), o);
    }
};

}  // namespace certa::test
