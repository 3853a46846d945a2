// ngx_http_certa_module at configuration time, with Debian's nginx: the
// module loads in `nginx -t`, and each configuration it cannot serve gives
// one line naming the directive (missing store, a store the worker user
// cannot read, a store every user can read, certa on without certa_store,
// with a variable ssl_certificate, a bad certa_on_demand or certa_cache_size).
#include "GroupSharedStore.hpp"
#include "NginxConf.hpp"
#include "NginxInstance.hpp"

#include "tests/support/TestCertificates.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

using namespace certa::test;

namespace {

struct Fixture {
    GroupSharedStore shared;
    TestCert fallback = make_self_signed({"fallback.example.test"});
    ServerBlock block;
    Fixture() {
        block.port = 18443;  // never listened on: only `nginx -t`
        block.fallback_cert = shared.write_file("fallback.pem", fallback.chain_pem);
        block.fallback_key = shared.write_file("fallback.key", fallback.key_pem);
        shared.put({"a.example.test"});
    }
};

std::string describe(const RunResult& r) { return "exit " + std::to_string(r.exit_code) + "\n" + r.err; }

int count_lines_with(const std::string& text, const std::string& what) {
    int n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("the module loads in nginx -t and reads the group-shared store as www-data would") {
    Fixture f;
    NginxInstance nginx(f.shared.path(), server_block(f.block));
    auto r = nginx.test_config();
    CHECK_MESSAGE(r.exit_code == 0, describe(r));
    CHECK_MESSAGE(r.err.find("test is successful") != std::string::npos, describe(r));
    CHECK_MESSAGE(r.err.find("1 certificates") != std::string::npos, describe(r));
    // certa's own writes keep the documented layout (no chmod back to 0600).
    struct stat st {};
    REQUIRE(::stat(f.shared.path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
    REQUIRE(::stat((f.shared.path() + "-shm").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
    CHECK(st.st_gid == GroupSharedStore::www_data_gid());
}

TEST_CASE("a missing store: one line naming certa_store") {
    Fixture f;
    NginxInstance nginx(f.shared.dir() + "/nope.db", server_block(f.block));
    auto r = nginx.test_config();
    CHECK(r.exit_code != 0);
    CHECK_MESSAGE(r.err.find("certa_store \"" + f.shared.dir() + "/nope.db\"") != std::string::npos, describe(r));
    CHECK(count_lines_with(r.err, "[emerg]") == 1);
}

TEST_CASE("a store www-data cannot read (root's 0600): one line naming the directive, the user and the fix") {
    Fixture f;
    REQUIRE(::chmod(f.shared.path().c_str(), 0600) == 0);
    NginxInstance nginx(f.shared.path(), server_block(f.block));
    auto r = nginx.test_config();
    CHECK(r.exit_code != 0);
    CHECK_MESSAGE(r.err.find("certa_store") != std::string::npos, describe(r));
    CHECK_MESSAGE(r.err.find("www-data cannot read the store") != std::string::npos, describe(r));
    CHECK(r.err.find("0640") != std::string::npos);
    CHECK(count_lines_with(r.err, "[emerg]") == 1);
}

TEST_CASE("a store every user can read is refused: it holds private keys") {
    Fixture f;
    REQUIRE(::chmod(f.shared.path().c_str(), 0644) == 0);
    NginxInstance nginx(f.shared.path(), server_block(f.block));
    auto r = nginx.test_config();
    CHECK(r.exit_code != 0);
    CHECK_MESSAGE(r.err.find("readable by every user") != std::string::npos, describe(r));
}

TEST_CASE("certa on without certa_store, and with a variable ssl_certificate, are refused") {
    Fixture f;
    {
        NginxInstance nginx("", server_block(f.block));
        auto r = nginx.test_config();
        CHECK(r.exit_code != 0);
        CHECK_MESSAGE(r.err.find("needs \"certa_store\"") != std::string::npos, describe(r));
    }
    ServerBlock variable = f.block;
    variable.fallback_cert = f.shared.dir() + "/$ssl_server_name.pem";
    variable.fallback_key = f.shared.dir() + "/$ssl_server_name.key";
    NginxInstance nginx(f.shared.path(), server_block(variable));
    auto r = nginx.test_config();
    CHECK(r.exit_code != 0);
    CHECK_MESSAGE(r.err.find("cannot be combined with variables in \"ssl_certificate\"") != std::string::npos,
                  describe(r));
}

TEST_CASE("blocks without certa on need no store and are left alone") {
    Fixture f;
    ServerBlock plain = f.block;
    plain.certa = false;
    NginxInstance nginx("", server_block(plain));
    auto r = nginx.test_config();
    CHECK_MESSAGE(r.exit_code == 0, describe(r));
}

TEST_CASE("a group-shared store without its -wal/-shm (www-data could not create them): one line with the fix") {
    Fixture f;
    f.shared.close();
    REQUIRE(::unlink((f.shared.path() + "-wal").c_str()) == 0);
    REQUIRE(::unlink((f.shared.path() + "-shm").c_str()) == 0);
    NginxInstance nginx(f.shared.path(), server_block(f.block));
    auto r = nginx.test_config();
    CHECK(r.exit_code != 0);
    CHECK_MESSAGE(r.err.find("-wal does not exist and www-data cannot create it") != std::string::npos, describe(r));
    CHECK(count_lines_with(r.err, "[emerg]") == 1);
    f.shared.reopen();  // certa (root) opening it creates them again, and keeps them
    f.shared.close();
    CHECK(nginx.test_config().exit_code == 0);
}

TEST_CASE("certa_on_demand: accepted with an absolute socket and wait=TIME; a bad one is one line naming it") {
    Fixture f;
    f.block.extra = "    certa_on_demand /run/certa/worker.sock wait=15s;\n";
    auto good = NginxInstance(f.shared.path(), server_block(f.block)).test_config();
    CHECK_MESSAGE(good.exit_code == 0, describe(good));
    for (const std::string bad : {"certa_on_demand run/worker.sock;", "certa_on_demand /run/w.sock wait=forever;",
                                  "certa_on_demand /run/w.sock wait=301s;", "certa_on_demand /run/w.sock size=1;"}) {
        CAPTURE(bad);
        f.block.extra = "    " + bad + "\n";
        auto r = NginxInstance(f.shared.path(), server_block(f.block)).test_config();
        CHECK(r.exit_code != 0);
        CHECK_MESSAGE(r.err.find("\"certa_on_demand\"") != std::string::npos, describe(r));
        CHECK(count_lines_with(r.err, "[emerg]") == 1);
    }
}

TEST_CASE("certa_cache_size: a count in http{}; a bad one is one line naming it") {
    Fixture f;
    auto good = NginxInstance(f.shared.path(), "  certa_cache_size 1000;\n" + server_block(f.block)).test_config();
    CHECK_MESSAGE(good.exit_code == 0, describe(good));
    for (const std::string bad : {"certa_cache_size many;", "certa_cache_size -1;", "certa_cache_size 20000000;"}) {
        CAPTURE(bad);
        auto r = NginxInstance(f.shared.path(), "  " + bad + "\n" + server_block(f.block)).test_config();
        CHECK(r.exit_code != 0);
        CHECK_MESSAGE(r.err.find("certa_cache_size") != std::string::npos, describe(r));
        CHECK(count_lines_with(r.err, "[emerg]") == 1);
    }
    // Only in http{}: a server{} is not its place.
    f.block.extra = "    certa_cache_size 10;\n";
    auto misplaced = NginxInstance(f.shared.path(), server_block(f.block)).test_config();
    CHECK(misplaced.exit_code != 0);
    CHECK_MESSAGE(misplaced.err.find("\"certa_cache_size\" directive is not allowed here") != std::string::npos,
                  describe(misplaced));
}
