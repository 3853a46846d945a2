// Shared setup of the `certa renew` integration tests: a real Pebble (with a
// chosen certificate lifetime), a store in a temp dir opened by the test too,
// and an http-01 responder owned by the test on Pebble's validation port.
// Every certa process finds that port taken and relies on this responder,
// which answers from the shared store, so concurrent renewers (and renewers
// killed mid-order) never take the responder away from each other.
#pragma once

#include "acme/challenge/Http01Responder.hpp"
#include "storage/Store.hpp"
#include "tests/support/PebbleHarness.hpp"
#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace certa::test::renew {

inline storage::UnixTime now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

inline PebbleOptions lifetime(long seconds) {
    PebbleOptions o;
    o.validity_seconds = seconds;
    return o;
}

struct Fixture {
    explicit Fixture(PebbleOptions options = {})
        : pebble(options),
          store(storage::open_store(dir.file("certa.db"))),
          responder(std::make_unique<acme::Http01Responder>(
              *store, acme::Http01ResponderOptions{"127.0.0.1", static_cast<std::uint16_t>(pebble.http01_port())})),
          server(pebble.directory_url()),
          ca_bundle(pebble.ca_bundle_path()) {}

    std::string db() const { return dir.file("certa.db"); }

    // `certa --store DB ARGS...`
    RunResult certa(std::vector<std::string> args, std::chrono::milliseconds timeout = std::chrono::seconds(120)) const {
        args.insert(args.begin(), {"--store", db()});
        RunOptions o;
        o.timeout = timeout;
        return run_certa(args, o);
    }

    // `certa issue -d N... --server ... ` with this Pebble and responder port.
    RunResult issue(const std::vector<std::string>& names, std::vector<std::string> extra = {}) const {
        std::vector<std::string> args{"issue", "--server", server, "--ca-bundle", ca_bundle, "--agree-tos",
                                      "--http-address", "127.0.0.1", "--http-port", std::to_string(pebble.http01_port())};
        for (const auto& n : names) args.insert(args.end(), {"-d", n});
        args.insert(args.end(), extra.begin(), extra.end());
        return certa(args);
    }

    RunResult renew(std::vector<std::string> args = {}) const {
        args.insert(args.begin(), "renew");
        return certa(args);
    }

    std::vector<storage::CertificateRecord> active() const { return store->list_certificates({}); }
    std::vector<storage::CertificateRecord> all() const {
        storage::CertificateFilter f;
        f.include_inactive = true;
        return store->list_certificates(f);
    }
    int events(std::int64_t cert_id, const std::string& kind) const {
        int n = 0;
        for (const auto& e : store->list_events(cert_id, 1000)) n += e.kind == kind;
        return n;
    }

    TempDir dir;
    PebbleHarness pebble;
    std::unique_ptr<storage::Store> store;
    std::unique_ptr<acme::Http01Responder> responder;
    std::string server, ca_bundle;
};

// Sleeps (bounded by max_wait) until `t` has passed.
inline void sleep_until_unix(storage::UnixTime t, std::chrono::seconds max_wait = std::chrono::seconds(90)) {
    const auto deadline = std::chrono::steady_clock::now() + max_wait;
    while (now_s() <= t && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

}  // namespace certa::test::renew
