// Crash safety: a child process puts certificates in a loop (each replacing the
// previous one) and is killed with SIGKILL at random moments. Afterwards the
// store passes integrity_check, every row is complete, and each name has
// exactly one active certificate.
#include "StoreBackend.hpp"
#include "StoreFixtures.hpp"
#include "storage/base/OpenSsl.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

using namespace certa::storage;
using certa::test::StoreBackend;

namespace {

constexpr int kTrials = 30;
const std::vector<std::string> kNames = {"crash.example", "www.crash.example"};

// Child body: replace the active certificate over and over until killed.
// It writes one byte to `ready_fd` once the store is open (a PostgreSQL
// connection takes longer to set up than the kill delay).
[[noreturn]] void writer(const std::string& path, const std::vector<certa::test::TestCert>& pool, int ready_fd) {
    try {
        auto store = open_store(path, StoreBackend::options());
        if (::write(ready_fd, "r", 1) != 1) ::_exit(3);
        for (size_t i = 0; i < 100000; ++i) {
            auto current = store->find_active_certificate(kNames.front());
            auto input = certa::test::input_for(pool[i % pool.size()]);
            if (current) input.replaces = current->id;
            store->put_certificate(input);
            store->add_event("renewed", current ? current->id : 0, "crash test");
        }
    } catch (...) {
        ::_exit(2);
    }
    ::_exit(0);
}

}  // namespace

TEST_CASE("SIGKILL during certificate puts never leaves a torn or doubled state") {
    StoreBackend backend;
    std::string path = backend.location();
    std::vector<certa::test::TestCert> pool;
    for (int i = 0; i < 4; ++i) pool.push_back(certa::test::make_self_signed(kNames));
    open_store(path, StoreBackend::options());

    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> delay_ms(2, 40);
    int killed = 0;
    for (int trial = 0; trial < kTrials; ++trial) {
        int ready[2];
        REQUIRE(::pipe(ready) == 0);
        pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) writer(path, pool, ready[1]);
        ::close(ready[1]);
        pollfd wait_ready{ready[0], POLLIN, 0};
        CHECK(::poll(&wait_ready, 1, 20000) == 1);  // bounded: the child opened the store (or died)
        ::close(ready[0]);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        killed += ::kill(pid, SIGKILL) == 0;
        CHECK(certa::test::wait_child(pid) == -1);  // died from the signal, not an error exit
    }
    CHECK(killed == kTrials);

    auto store = open_store(path, StoreBackend::options());
    CHECK(store->integrity_check() == "ok");
    auto rows = store->list_certificates({true, ""});
    REQUIRE(rows.size() > 1);  // the children did write
    int active = 0;
    for (const auto& row : rows) {
        CAPTURE(row.id);
        auto chain = certa::ossl::parse_chain_pem(row.chain_pem);
        auto key = certa::ossl::parse_key_pem(row.key_pem);
        REQUIRE(chain.size() == 1);
        REQUIRE(key);
        CHECK(certa::ossl::key_matches(chain.front().get(), key.get()));
        CHECK(row.names == kNames);
        if (row.status == CertificateStatus::Active) {
            ++active;
            CHECK(row.replaced_by == 0);
        } else {
            CHECK(row.status == CertificateStatus::Replaced);
            auto successor = store->get_certificate(row.replaced_by);
            REQUIRE(successor);
            CHECK(successor->id > row.id);
        }
    }
    CHECK(active == 1);
    for (const auto& name : kNames) CHECK(store->list_certificates({false, name}).size() == 1);
}
