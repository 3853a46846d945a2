// `certa serve --on-demand` against a real Pebble, for the on-demand tests:
// the daemon also listens on Pebble's tls-alpn-01 port, so it answers its own
// challenges; the ACME worker inside serve takes requests from the store.
#pragma once

#include "ServeProcess.hpp"
#include "TlsTestPeer.hpp"
#include "tests/support/PebbleHarness.hpp"
#include "tests/support/TempDir.hpp"
#include "storage/base/OpenSsl.hpp"
#include "storage/Store.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace certa::test {

struct OnDemandFixture {
    // `policy` replaces the default --allow; `extra` is appended (default
    // --on-demand-wait: 60 s).
    explicit OnDemandFixture(PebbleOptions pebble_options = {}, std::vector<std::string> extra = {},
                             std::vector<std::string> policy = {"--allow", "*.ondemand.example.com"})
        : pebble(pebble_options), store(dir.file("certa.db")) {
        std::vector<std::string> args{"--listen", "127.0.0.1:" + std::to_string(pebble.tlsalpn01_port()),
                                      "--on-demand",
                                      "--server", pebble.directory_url(), "--ca-bundle", pebble.ca_bundle_path(),
                                      "--agree-tos", "--challenge", "tls-alpn-01"};
        args.insert(args.end(), policy.begin(), policy.end());
        args.insert(args.end(), extra.begin(), extra.end());
        if (std::find(extra.begin(), extra.end(), "--on-demand-wait") == extra.end())
            args.insert(args.end(), {"--on-demand-wait", "60"});
        serve = std::make_unique<ServeProcess>(store, args);
    }
    std::unique_ptr<storage::Store> open() const { return storage::open_store(store); }
    // Every row for `name`, replaced ones included (the store holds no other names).
    std::vector<storage::CertificateRecord> all_for(const std::string& name) const {
        std::vector<storage::CertificateRecord> out;
        for (auto& row : open()->list_certificates({true, ""}))
            if (std::find(row.names.begin(), row.names.end(), name) != row.names.end()) out.push_back(std::move(row));
        return out;
    }

    PebbleHarness pebble;
    TempDir dir;
    std::string store;
    std::unique_ptr<ServeProcess> serve;
};

// The leaf the daemon presented for `sni` (null when the handshake failed).
inline ossl::X509Ptr leaf_for(std::uint16_t port, const std::string& sni) {
    auto r = s_client(port, sni);
    std::string pem = first_pem(r.out);
    if (pem.empty()) return nullptr;
    auto chain = ossl::parse_chain_pem(pem);
    return chain.empty() ? nullptr : std::move(chain.front());
}

inline int count_events(storage::Store& store, const std::string& kind) {
    int n = 0;
    for (const auto& e : store.list_events(0, 0))
        if (e.kind == kind) ++n;
    return n;
}

}  // namespace certa::test
