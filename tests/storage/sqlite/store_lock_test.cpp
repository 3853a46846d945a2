// A process that opens the same SQLite store twice keeps its POSIX locks.
// Closing ANY descriptor of a file drops every POSIX lock the process holds on
// it (SQLite's "How To Corrupt" §2.2). When the second open_store() sniffed the
// header with a plain open()/close(), the first connection lost its SHARED
// lock; another process closing its connection then took EXCLUSIVE,
// checkpointed and deleted the WAL, and every later commit of the first
// connection went to an unlinked WAL that no new connection ever read.
#include "StoreFixtures.hpp"
#include "Subprocess.hpp"
#include "TempDir.hpp"
#include "storage/Store.hpp"

#include <doctest/doctest.h>

using namespace certa;
using namespace certa::test;

namespace {

// Another process (certa, not a fork: a forked child shares SQLite's
// in-memory lock bookkeeping) opens the store, lists, and closes it.
std::string list_from_another_process(const std::string& path) {
    auto r = run_certa({"--store", path, "list"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return r.out;
}

}  // namespace

TEST_CASE("a second open in one process does not let another process delete the WAL under the first" *
          doctest::test_suite("sqlite-only")) {
    TempDir dir;
    const std::string path = dir.file("certa.db");
    auto first = storage::open_store(path);
    first->put_certificate(input_for(make_self_signed({"one.lock.example"})));
    auto second = storage::open_store(path);  // sniffs the header of a file this process has locked
    // The other process must notice it is not the last connection when it closes.
    CHECK(list_from_another_process(path).find("one.lock.example") != std::string::npos);
    first->put_certificate(input_for(make_self_signed({"two.lock.example"})));
    // The first connection's later commit is visible to a new process.
    CHECK(list_from_another_process(path).find("two.lock.example") != std::string::npos);
    CHECK(second->list_certificates({}).size() == 2);
}
