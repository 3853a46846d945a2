// A write that hits the file size limit (as a full disk would) fails with
// kind Io, and the store stays consistent afterwards.
#include "StoreFixtures.hpp"
#include "TempDir.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace certa::storage;
using certa::test::TempDir;

namespace {

constexpr int kSawIo = 10, kSawOther = 11, kNeverFailed = 12;

// Child body: cap file sizes, then write until the store refuses.
[[noreturn]] void fill(const std::string& path, const certa::test::TestCert& cert) {
    int code = kNeverFailed;
    try {
        auto store = open_store(path);
        ::signal(SIGXFSZ, SIG_IGN);  // get EFBIG from write() instead of a signal
        rlimit limit{256 * 1024, 256 * 1024};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        try {
            for (int i = 0; i < 2000; ++i) store->put_certificate(certa::test::input_for(cert, "rsa2048"));
        } catch (const StoreError& e) {
            code = e.kind() == StoreError::Kind::Io ? kSawIo : kSawOther;
        }
    } catch (...) {
        code = kSawOther;
    }
    ::_exit(code);
}

}  // namespace

TEST_CASE("a write beyond the file size limit fails as Io and leaves a consistent store") {
    TempDir dir;
    std::string path = dir.file("certa.db");
    auto cert = certa::test::make_self_signed({"full.example"}, "rsa2048");
    open_store(path);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) fill(path, cert);
    CHECK(certa::test::wait_child(pid) == kSawIo);

    auto store = open_store(path);
    CHECK(store->integrity_check() == "ok");
    auto rows = store->list_certificates({true, ""});
    CHECK_FALSE(rows.empty());
    CHECK(store->current_generation() == static_cast<std::int64_t>(rows.size()));
}
