// deploy_to_haproxy without CRT-PATH (issue 21, item 4): the certificate
// file path comes from HAProxy's `show ssl cert` answer, so a fake runtime
// socket (a real UNIX socket served by a thread) plays a hostile HAProxy.
// A path outside the crt-lists' directories, in a directory that does not
// exist, or under a crt-list others can write, is refused with one error,
// before anything is written or pushed; a path inside is written and pushed;
// with a shared store the allow file must also name it.
#include "acme/deploy/HaproxyDeploy.hpp"
#include "acme/deploy/HaproxyRuntimeApi.hpp"
#include "acme/request/LocalPolicy.hpp"

#include "FakeHaproxySocket.hpp"
#include "TempDir.hpp"
#include "TestCertificates.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace certa;
namespace fs = std::filesystem;

namespace {

struct Haproxy {
    test::TempDir dir;
    fs::path conf = dir.path() / "haproxy";
    fs::path crt_list = conf / "crt-list.txt";
    std::string loaded;  // what "show ssl cert" lists
    std::string list_answer;
    std::unique_ptr<test::FakeHaproxySocket> socket;

    Haproxy() {
        fs::create_directories(conf / "certs");
        std::ofstream(crt_list) << "\n";
        list_answer = "# filename\n" + crt_list.string() + "\n";
        socket = std::make_unique<test::FakeHaproxySocket>(dir.file("admin.sock"), [this](const std::string& line) {
            if (line == "show ssl cert") return "# filename\n" + loaded + "\n";
            if (line == "show ssl crt-list") return list_answer;
            if (line.rfind("set ssl cert ", 0) == 0) return "Transaction created for certificate " + line.substr(13) + "!\n";
            if (line.rfind("commit ssl cert ", 0) == 0) return std::string("Committing ") + line.substr(16) + "\nSuccess!\n";
            if (line.rfind("show ssl cert ", 0) == 0) return std::string("Filename: x\nStatus: Used\n");
            return std::string("Unknown command.\n");
        });
    }
    acme::HaproxyTarget target() const { return acme::HaproxyTarget::parse("haproxy:" + socket->path()); }
    bool pushed() const {
        for (const auto& c : socket->commands())
            if (c.rfind("set ssl cert", 0) == 0 || c.rfind("new ssl cert", 0) == 0) return true;
        return false;
    }
};

storage::CertificateRecord record() {
    const auto made = test::make_self_signed({"pwn.test"});
    storage::CertificateRecord r;
    r.id = 1;
    r.names = {"pwn.test"};
    r.chain_pem = made.chain_pem;
    r.key_pem = made.key_pem;
    return r;
}

}  // namespace

TEST_CASE("a hostile 'show ssl cert' path makes root create and write nothing outside") {
    Haproxy h;
    const auto cert = record();
    const auto policy = acme::LocalPolicy::trust_store();

    // The finding: a path in directories that do not exist yet.
    h.loaded = (h.dir.path() / "evil" / "x" / "y" / "pwn.test.pem").string();
    CHECK_THROWS_WITH_AS(acme::deploy_to_haproxy(h.target(), cert, policy),
                         doctest::Contains("its directory does not exist"), acme::HaproxyError);
    CHECK_FALSE(fs::exists(h.dir.path() / "evil"));
    CHECK_FALSE(h.pushed());

    // An existing directory that no crt-list lives in.
    fs::create_directories(h.dir.path() / "elsewhere");
    h.loaded = (h.dir.path() / "elsewhere" / "pwn.test.pem").string();
    CHECK_THROWS_WITH_AS(acme::deploy_to_haproxy(h.target(), cert, policy),
                         doctest::Contains("outside the directories of haproxy's crt-lists"), acme::HaproxyError);
    CHECK(fs::is_empty(h.dir.path() / "elsewhere"));

    // A crt-list the answer places in a directory anyone can write (/tmp-like).
    const fs::path loose = h.dir.path() / "loose";
    fs::create_directories(loose);
    fs::permissions(loose, fs::perms::all | fs::perms::sticky_bit);
    std::ofstream(loose / "crt-list.txt") << "\n";
    h.list_answer = "# filename\n" + (loose / "crt-list.txt").string() + "\n";
    h.loaded = (loose / "pwn.test.pem").string();
    CHECK_THROWS_AS(acme::deploy_to_haproxy(h.target(), cert, policy), acme::HaproxyError);
    CHECK_FALSE(fs::exists(loose / "pwn.test.pem"));

    // Not normal, or not a plain path.
    h.list_answer = "# filename\n" + h.crt_list.string() + "\n";
    h.loaded = (h.conf / "certs" / ".." / ".." / "pwn.test.pem").string();
    CHECK_THROWS_WITH_AS(acme::deploy_to_haproxy(h.target(), cert, policy), doctest::Contains("not an absolute, normal"),
                         acme::HaproxyError);
    h.loaded = "pwn.test.pem";
    CHECK_THROWS_AS(acme::deploy_to_haproxy(h.target(), cert, policy), acme::HaproxyError);
    CHECK_FALSE(h.pushed());
}

TEST_CASE("a path in the crt-list's directory is written and pushed; a shared store's allow file must name it") {
    Haproxy h;
    const auto cert = record();
    const fs::path crt = h.conf / "certs" / "pwn.test.pem";
    h.loaded = crt.string();

    const std::string allow = h.dir.file("allow");
    std::ofstream(allow) << "deploy haproxy:" << h.socket->path() << "\n";
    CHECK_THROWS_WITH_AS(acme::deploy_to_haproxy(h.target(), cert, acme::LocalPolicy::from_file(allow)),
                         doctest::Contains("has no 'haproxy-crt"), acme::HaproxyError);
    CHECK_FALSE(fs::exists(crt));
    CHECK_FALSE(h.pushed());

    std::ofstream(allow, std::ios::app) << "haproxy-crt " << crt.string() << "\n";
    CHECK(acme::deploy_to_haproxy(h.target(), cert, acme::LocalPolicy::from_file(allow)) == crt.string());
    CHECK(fs::exists(crt));
    CHECK(h.pushed());

    fs::remove(crt);
    CHECK(acme::deploy_to_haproxy(h.target(), cert, acme::LocalPolicy::trust_store()) == crt.string());
    CHECK(fs::exists(crt));
}
