// The standalone http-01 responder (libmicrohttpd) answers only GET
// /.well-known/acme-challenge/TOKEN for unexpired store rows — including rows
// written through another store connection — and 404 for everything else.
#include "Subprocess.hpp"
#include "LoopbackSocket.hpp"
#include "TempDir.hpp"
#include "acme/challenge/Http01Responder.hpp"
#include "acme/challenge/Http01Solver.hpp"
#include "storage/Store.hpp"
#include "storage/base/Clock.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>

using namespace certa;

namespace {

struct Reply {
    std::string status;
    std::string body;
};

// curl against the responder: the HTTP status code and the body.
Reply fetch(std::uint16_t port, const std::string& path, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv{"curl", "-s", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("http://127.0.0.1:" + std::to_string(port) + path);
    auto r = test::run(argv);
    const auto nl = r.out.rfind('\n');
    if (nl == std::string::npos) return {r.out, ""};
    return {r.out.substr(nl + 1), r.out.substr(0, nl)};
}

const std::string kToken = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
const std::string kKeyAuth = kToken + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

}  // namespace

TEST_CASE("serves a presented token, 404 after cleanup and for anything else") {
    test::TempDir dir;
    auto store = storage::open_store(dir.file("s.db"));
    acme::Http01Responder responder(*store, {"127.0.0.1", 0});
    REQUIRE(responder.port() != 0);
    acme::Http01Solver solver(*store);
    const auto id = acme::Identifier::parse("www.example.com");

    CHECK(fetch(responder.port(), "/.well-known/acme-challenge/" + kToken).status == "404");
    solver.present(id, kToken, kKeyAuth);
    Reply ok = fetch(responder.port(), "/.well-known/acme-challenge/" + kToken);
    CHECK(ok.status == "200");
    CHECK(ok.body == kKeyAuth);
    CHECK(responder.served() == 1);

    CHECK(fetch(responder.port(), "/.well-known/acme-challenge/" + kToken, {"-X", "POST", "-d", "x"}).status == "404");
    CHECK(fetch(responder.port(), "/.well-known/acme-challenge/" + kToken + "x").status == "404");
    CHECK(fetch(responder.port(), "/.well-known/acme-challenge/").status == "404");
    CHECK(fetch(responder.port(), "/.well-known/acme-challenge/..%2F..%2Fetc%2Fpasswd").status == "404");
    CHECK(fetch(responder.port(), "/" + kToken).status == "404");
    CHECK(fetch(responder.port(), "/").status == "404");
    // An oversized request is refused, not answered with the key authorization.
    CHECK(fetch(responder.port(), "/.well-known/acme-challenge/" + kToken, {"-H", "X-Big: " + std::string(40000, 'a')})
              .status != "200");
    CHECK(responder.served() == 1);

    solver.cleanup(id, kToken, kKeyAuth);
    CHECK(fetch(responder.port(), "/.well-known/acme-challenge/" + kToken).status == "404");
}

TEST_CASE("rows written by another connection are served; expired rows are not") {
    test::TempDir dir;
    auto reader = storage::open_store(dir.file("s.db"));
    auto writer = storage::open_store(dir.file("s.db"));
    acme::Http01Responder responder(*reader, {"127.0.0.1", 0});

    storage::Challenge row;
    row.type = storage::ChallengeType::Http01;
    row.identifier = "other.example";
    row.token = "tokenFromAnotherProcess_123";
    row.key_authorization = row.token + ".thumb";
    row.expires = certa::storage::unix_now() + 600;
    writer->put_challenge(row);
    Reply ok = fetch(responder.port(), "/.well-known/acme-challenge/" + row.token);
    CHECK(ok.status == "200");
    CHECK(ok.body == row.key_authorization);

    row.token = "expiredToken_456";
    row.key_authorization = row.token + ".thumb";
    row.expires = certa::storage::unix_now() - 10;
    writer->put_challenge(row);
    CHECK(fetch(responder.port(), "/.well-known/acme-challenge/" + row.token).status == "404");
}

TEST_CASE("a port in use is reported as such") {
    test::TempDir dir;
    auto store = storage::open_store(dir.file("s.db"));
    acme::Http01Responder first(*store, {"127.0.0.1", 0});
    try {
        acme::Http01Responder second(*store, {"127.0.0.1", first.port()});
        FAIL("second responder bound the same port");
    } catch (const acme::Http01ResponderError& e) {
        CHECK(e.address_in_use());
        CHECK(std::string(e.what()).find(std::to_string(first.port())) != std::string::npos);
    }
    CHECK_THROWS_AS(acme::Http01Responder(*store, {"not-an-ip", 0}), acme::Http01ResponderError);
}

TEST_CASE("webroot: the file exists while presented and is removed by cleanup") {
    test::TempDir dir;
    auto store = storage::open_store(dir.file("s.db"));
    acme::Http01Solver solver(*store, acme::Http01Options{dir.file("www")});
    const auto id = acme::Identifier::parse("www.example.com");
    const std::filesystem::path file = dir.path() / "www/.well-known/acme-challenge" / kToken;
    solver.present(id, kToken, kKeyAuth);
    REQUIRE(std::filesystem::exists(file));
    std::ifstream in(file);
    std::string content((std::istreambuf_iterator<char>(in)), {});
    CHECK(content == kKeyAuth);
    CHECK(store->find_http01(kToken));
    solver.cleanup(id, kToken, kKeyAuth);
    CHECK_FALSE(std::filesystem::exists(file));
    CHECK_FALSE(store->find_http01(kToken));
    CHECK_THROWS(solver.present(id, "../../escape", kKeyAuth));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "escape"));
}

TEST_CASE("one address holding its per-IP share of connections does not lock out another") {
    test::TempDir dir;
    auto store = storage::open_store(dir.file("s.db"));
    acme::Http01Responder responder(*store, {"127.0.0.1", 0});
    acme::Http01Solver solver(*store);
    solver.present(acme::Identifier::parse("www.example.com"), kToken, kKeyAuth);
    std::vector<int> held;
    for (int i = 0; i < 16; ++i) held.push_back(test::connect_from("127.0.0.2", responder.port()));
    const int over = test::connect_from("127.0.0.2", responder.port());
    CHECK(test::closed_by_server(over));  // MHD's per-IP limit (16)
    ::close(over);
    // 127.0.0.1 (the CA's validator, say) is still answered.
    Reply ok = fetch(responder.port(), "/.well-known/acme-challenge/" + kToken);
    CHECK(ok.status == "200");
    CHECK(ok.body == kKeyAuth);
    for (int fd : held) ::close(fd);
}
