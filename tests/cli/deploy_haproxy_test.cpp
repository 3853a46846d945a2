// `--deploy haproxy:...` against a real HAProxy 2.6 on loopback: a Pebble
// certificate pushed through the runtime API (no reload), checked by a real
// `openssl s_client` handshake; a forced renewal live the same way; a name
// HAProxy did not know added through its crt-list; a socket at `level user`
// refusing the update: `certa renew` exits 1, the deploy stays pending and
// the next run (with the admin socket) finishes it.
#include "renew_fixture.hpp"

#include "tests/cli/TlsServers.hpp"

#include <doctest/doctest.h>

using namespace certa::test;
using namespace certa::test::renew;
using namespace certa::test::deploy;

namespace {

certa::storage::CertificateRecord active_for(const Fixture& f, const std::string& name) {
    for (const auto& c : f.active())
        if (!c.names.empty() && c.names.front() == name) return c;
    FAIL("no active certificate for " << name);
    return {};
}

}  // namespace

TEST_CASE("haproxy: issue, renew and a new name go live without a reload; a refused update stays pending") {
    Fixture f;
    HaproxyServer hx(f.dir.path(), {"a.haproxy.test"});
    const std::string placeholder = served_serial(hx.port, "a.haproxy.test");
    REQUIRE_FALSE(placeholder.empty());

    // No CRT-PATH: the loaded crt/a.haproxy.test.pem is found by its name.
    auto issued = f.issue({"a.haproxy.test"}, {"--deploy", "haproxy:" + hx.admin_socket(), "--deploy-check", hx.check()});
    REQUIRE_MESSAGE(issued.exit_code == 0, (issued.out + issued.err));
    const auto first = active_for(f, "a.haproxy.test");
    CHECK(normal_serial(served_serial(hx.port, "a.haproxy.test")) == normal_serial(first.serial_hex));
    CHECK_FALSE(f.store->get_certificate(first.id)->deploy_pending);
    CHECK(f.events(first.id, "deployed") == 1);
    // The file too, so that a reload keeps it: leaf + chain + key, no blank line, 0600.
    const std::string file = cli::read_file(hx.crt("a.haproxy.test"));
    CHECK(file.find(first.key_pem.substr(0, 40)) != std::string::npos);
    CHECK(file.find("\n\n") == std::string::npos);
    CHECK(certa::test::file_mode(hx.crt("a.haproxy.test")) == 0600);
    const auto pid_before = hx.process->pid();

    // A forced renewal: the recorded target and check are used again.
    auto renewed = f.renew({"--force", "-d", "a.haproxy.test"});
    REQUIRE_MESSAGE(renewed.exit_code == 0, (renewed.out + renewed.err));
    const auto second = active_for(f, "a.haproxy.test");
    CHECK(second.id != first.id);
    CHECK(normal_serial(served_serial(hx.port, "a.haproxy.test")) == normal_serial(second.serial_hex));
    CHECK(hx.process->running());
    CHECK(hx.process->pid() == pid_before);

    // A name HAProxy does not know: new ssl cert + set + commit + add ssl crt-list.
    CHECK(served_serial(hx.port, "b.haproxy.test") == served_serial(hx.port, "a.haproxy.test"));  // the default
    auto added = f.issue({"b.haproxy.test"},
                         {"--deploy", "haproxy:" + hx.admin_socket() + ":" + hx.crt("b.haproxy.test"), "--deploy-check",
                          hx.check()});
    REQUIRE_MESSAGE(added.exit_code == 0, (added.out + added.err));
    const auto b = active_for(f, "b.haproxy.test");
    CHECK(normal_serial(served_serial(hx.port, "b.haproxy.test")) == normal_serial(b.serial_hex));
    CHECK(normal_serial(served_serial(hx.port, "a.haproxy.test")) == normal_serial(second.serial_hex));
    const std::string list = hx.api("show ssl crt-list " + hx.crt_list());
    CHECK_MESSAGE(list.find(hx.crt("b.haproxy.test")) != std::string::npos, list);
    // Deploying b again does not add it to the crt-list twice.
    REQUIRE(f.renew({"--force", "-d", "b.haproxy.test"}).exit_code == 0);
    const std::string again = hx.api("show ssl crt-list " + hx.crt_list());
    CHECK(again.find(hx.crt("b.haproxy.test")) == again.rfind(hx.crt("b.haproxy.test")));

    // A socket at level user refuses: exit 1 with HAProxy's words, the deploy stays pending.
    auto refused = f.renew({"--force", "-d", "a.haproxy.test", "--deploy",
                            "haproxy:" + hx.user_socket() + ":" + hx.crt("a.haproxy.test")});
    CHECK(refused.exit_code == 1);
    CHECK_MESSAGE(refused.out.find("haproxy refused 'set ssl cert " + hx.crt("a.haproxy.test") + "': Permission denied") !=
                      std::string::npos,
                  (refused.out + refused.err));
    CHECK(refused.out.find("\n") == refused.out.size() - 1);  // one line
    const auto third = active_for(f, "a.haproxy.test");
    CHECK(third.id != second.id);
    CHECK(third.deploy_pending);
    CHECK(normal_serial(served_serial(hx.port, "a.haproxy.test")) == normal_serial(second.serial_hex));
    CHECK(f.events(third.id, "deploy-failed") == 1);

    // A CRT-PATH HAProxy never loaded, for a crt-list it does not have: its error, still pending.
    auto no_list = f.renew({"-d", "a.haproxy.test", "--deploy",
                            "haproxy:" + hx.admin_socket() + ":" + (hx.dir / "crt" / "elsewhere.pem").string() + ":" +
                                (hx.dir / "no-such-list.txt").string()});
    CHECK(no_list.exit_code == 1);
    CHECK_MESSAGE(no_list.out.find("Can't edit the crt-list") != std::string::npos, (no_list.out + no_list.err));
    CHECK(f.store->get_certificate(third.id)->deploy_pending);
    CHECK(active_for(f, "a.haproxy.test").id == third.id);  // only the deploy was retried

    // The next run retries the deploy (not the order), here through the admin socket.
    auto retried = f.renew({"-d", "a.haproxy.test", "--deploy", "haproxy:" + hx.admin_socket()});
    CHECK_MESSAGE(retried.exit_code == 0, (retried.out + retried.err));
    CHECK_MESSAGE(retried.out.find("a.haproxy.test: deployed (") != std::string::npos, retried.out);
    CHECK(active_for(f, "a.haproxy.test").id == third.id);
    CHECK_FALSE(f.store->get_certificate(third.id)->deploy_pending);
    CHECK(normal_serial(served_serial(hx.port, "a.haproxy.test")) == normal_serial(third.serial_hex));
}

TEST_CASE("haproxy: a check address that serves something else is 'deployed, not live', exit 1, still pending") {
    Fixture f;
    HaproxyServer hx(f.dir.path(), {"c.haproxy.test"});
    HaproxyServer other(f.dir.path() / "other", {"c.haproxy.test"});
    auto issued = f.issue({"c.haproxy.test"},
                          {"--deploy", "haproxy:" + hx.admin_socket(), "--deploy-check", other.check()});
    CHECK(issued.exit_code == 1);
    CHECK_MESSAGE(issued.err.find("deployed, not live: c.haproxy.test at " + other.check() + " serves serial") !=
                      std::string::npos,
                  (issued.out + issued.err));
    const auto cert = active_for(f, "c.haproxy.test");
    CHECK(cert.deploy_pending);
    // It did reach the first HAProxy.
    CHECK(normal_serial(served_serial(hx.port, "c.haproxy.test")) == normal_serial(cert.serial_hex));
    auto renewed = f.renew({"-d", "c.haproxy.test"});
    CHECK(renewed.exit_code == 1);
    CHECK(renewed.out.find("deployed, not live") != std::string::npos);
    CHECK(f.store->get_certificate(cert.id)->deploy_pending);
}
