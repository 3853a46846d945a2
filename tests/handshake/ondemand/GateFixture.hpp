// An OnDemandGate in process for the gate tests: a real Agent over a real
// SQLite store, a storage::ManualClock for wall-clock time and, driven by the
// same ManualClock, the gate's monotonic time (deadlines, rate limits).
#pragma once

#include "handshake/ondemand/OnDemandGate.hpp"

#include "TempDir.hpp"
#include "TestCertificates.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <thread>

namespace certa::test {

struct GateFixture {
    TempDir dir;
    std::string path = dir.file("certa.db");
    std::unique_ptr<storage::Store> store = storage::open_store(path);
    std::unique_ptr<handshake::Agent> agent;
    storage::ManualClock clock{storage::unix_now()};
    std::unique_ptr<handshake::OnDemandGate> gate;

    // `tweak` adjusts the options (allow *.gate.example, the manual clocks) before the gate starts.
    explicit GateFixture(const std::function<void(handshake::OnDemandOptions&)>& tweak = {}) {
        handshake::AgentOptions agent_options;
        agent_options.watch = false;
        agent = handshake::Agent::open(path, agent_options);
        handshake::OnDemandOptions options;
        options.allow = {"*.gate.example"};
        options.clock = &clock;
        options.monotonic = [this] { return std::chrono::steady_clock::time_point(std::chrono::seconds(clock.now())); };
        options.store_poll = std::chrono::milliseconds(50);
        if (tweak) tweak(options);
        gate = std::make_unique<handshake::OnDemandGate>(options, *agent, storage::open_store(path));
    }
    ~GateFixture() { gate.reset(); }  // its threads stop before the clock and the Agent go

    storage::CertificateRecord put(const std::string& name, long validity_s) {
        const auto cert = make_self_signed({name}, "ec256", -60, validity_s);
        storage::CertificateInput input;
        input.key_type = "ec256";
        input.key_pem = cert.key_pem;
        input.chain_pem = cert.chain_pem;
        auto record = *store->get_certificate(store->put_certificate(input));
        agent->refresh();
        return record;
    }
    // The store's request for `name`, waiting (bounded: 5 s) for the gate's writer to write it.
    std::optional<storage::IssuanceRequest> request_for(const std::string& name) {
        for (int i = 0; i < 250; ++i) {
            for (auto& r : store->due_issuance_requests(0))
                if (r.name == name) return r;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return std::nullopt;
    }
    // Waits (bounded: 10 s) until the gate's queues are empty.
    bool drained() const {
        for (int i = 0; i < 1000; ++i) {
            if (gate->stats().queued == 0) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }
};

}  // namespace certa::test
