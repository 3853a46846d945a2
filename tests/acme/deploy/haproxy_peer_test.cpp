// HaproxyRuntimeApi asks the kernel who answers on the runtime socket
// (SO_PEERCRED) and talks only to root or the socket file's owner: a process
// of another user that answers on a socket file it does not own (a swapped
// or re-owned file) is refused before any command is sent. Needs root: the
// answering process runs as nobody.
#include "acme/deploy/HaproxyRuntimeApi.hpp"

#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>

using namespace certa;

namespace {

constexpr uid_t kNobody = 65534;

// A child process running as nobody that listens on `path` and answers every
// connection (at most `connections`, within 20 s) with "ok\n", counting the
// commands it read into its exit status.
class NobodyHaproxy {
public:
    NobodyHaproxy(const std::string& path, int connections) {
        int ready[2];
        REQUIRE(::pipe(ready) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::close(ready[0]);
            ::alarm(20);
            if (::setgid(kNobody) != 0 || ::setuid(kNobody) != 0) ::_exit(100);
            const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
            sockaddr_un addr{};
            addr.sun_family = AF_UNIX;
            std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
            if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 4) != 0)
                ::_exit(101);
            (void)!::write(ready[1], "r", 1);
            int commands = 0;
            for (int i = 0; i < connections; ++i) {
                const int c = ::accept(fd, nullptr, nullptr);
                if (c < 0) ::_exit(102);
                char buf[512];
                const ssize_t n = ::read(c, buf, sizeof buf);
                if (n > 0) ++commands;
                (void)!::send(c, "ok\n", 3, MSG_NOSIGNAL);  // the refused client is gone
                ::close(c);
            }
            ::_exit(commands);
        }
        ::close(ready[1]);
        char byte = 0;
        const bool up = ::read(ready[0], &byte, 1) == 1;
        ::close(ready[0]);
        REQUIRE_MESSAGE(up, "the nobody listener did not start");
    }
    // The number of commands the child read.
    int finish() {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    pid_t pid_ = -1;
};

}  // namespace

TEST_CASE("haproxy runtime socket: the answering process must be root or the socket file's owner") {
    REQUIRE_MESSAGE(::geteuid() == 0, "running the answering process as another user needs root");
    test::TempDir dir;
    const std::string run = dir.file("run");
    REQUIRE(::mkdir(run.c_str(), 0755) == 0);
    REQUIRE(::chown(run.c_str(), kNobody, kNobody) == 0);
    REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);
    const std::string socket = run + "/admin.sock";

    // Two connections will arrive: the first is let through, the second refused before it sends.
    NobodyHaproxy haproxy(socket, 2);
    acme::HaproxyRuntimeApi api(socket, std::chrono::milliseconds(5000));

    // nobody answers on nobody's socket file: that is HAProxy itself.
    CHECK(api.command("show ssl cert") == "ok\n");

    // The same process answers on a file that now belongs to another user.
    REQUIRE(::chown(socket.c_str(), 1, 1) == 0);
    std::string refusal;
    try {
        api.command("show ssl cert");
    } catch (const acme::HaproxyError& e) {
        refusal = e.what();
    }
    CHECK(refusal.find("the process answering (uid 65534) is neither root nor the socket's owner (uid 1)") !=
          std::string::npos);
    // Only the first command reached the listener: the refusal came before sending.
    CHECK(haproxy.finish() == 1);
}
