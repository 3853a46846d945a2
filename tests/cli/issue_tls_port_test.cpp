// `certa issue --challenge tls-alpn-01 --tls-port P` when P is taken: one
// line, exit 1, and nothing reached the CA or the store (no account, order,
// challenge row or certificate); once the port is free the same command works.
#include "renew_fixture.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

using namespace certa;
using namespace certa::test;
using namespace certa::test::renew;

namespace {

// A listening TCP socket on 127.0.0.1:port, closed on destruction.
class PortHolder {
public:
    explicit PortHolder(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        REQUIRE(fd_ >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(fd_, 4) == 0);
    }
    ~PortHolder() { close(); }
    PortHolder(const PortHolder&) = delete;
    PortHolder& operator=(const PortHolder&) = delete;
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

}  // namespace

TEST_CASE("issue --tls-port on a taken port: one line, exit 1, nothing ordered or stored; then it works") {
    Fixture f;
    const std::string port = std::to_string(f.pebble.tlsalpn01_port());
    const std::vector<std::string> args{"--challenge", "tls-alpn-01", "--tls-port", port};
    PortHolder holder(f.pebble.tlsalpn01_port());

    auto taken = f.issue({"taken.tlsport.test"}, args);
    CHECK(taken.exit_code == 1);
    CHECK(taken.out.empty());
    CHECK(std::count(taken.err.begin(), taken.err.end(), '\n') == 1);
    CHECK_MESSAGE(taken.err.rfind("certa: --tls-port " + port + ": cannot listen on 127.0.0.1:" + port + ": ", 0) == 0,
                  taken.err);
    CHECK(taken.err.find("nothing was ordered") != std::string::npos);
    // Nothing reached the CA: no account was registered (it comes before any order), no rows.
    CHECK(f.store->list_accounts().empty());
    CHECK(f.all().empty());
    CHECK(f.store->active_challenges(storage::ChallengeType::TlsAlpn01).empty());
    CHECK(f.store->list_events(0, 100).empty());

    holder.close();
    auto freed = f.issue({"taken.tlsport.test"}, args);
    CHECK_MESSAGE(freed.exit_code == 0, (freed.out + freed.err));
    REQUIRE(f.active().size() == 1);
    CHECK(f.active().front().names == std::vector<std::string>{"taken.tlsport.test"});
    CHECK(f.store->list_accounts().size() == 1);
}
