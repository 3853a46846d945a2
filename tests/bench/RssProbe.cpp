#include "RssProbe.hpp"

#include "BenchStore.hpp"
#include "handshake/agent/Agent.hpp"
#include "tests/handshake/TlsTestPeer.hpp"

#include <openssl/evp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

namespace certa::bench {
namespace {

using Clock = std::chrono::steady_clock;

long rss_kib() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

}  // namespace

int rss_probe(const std::string& path, std::size_t n, double der_bytes) {
    {  // OpenSSL's one-time set-up (providers, decoders) is not per certificate
        ossl::PKeyPtr key(EVP_EC_gen("P-256"));
        auto warm = make_cert("warm.bench.test", key.get());
        auto ctx = test::make_server_ctx();
    }
    const long rss0 = rss_kib();
    const auto start = Clock::now();
    auto agent = handshake::Agent::open(path);
    const double open_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    for (int i = 0; i < 600000 && agent->stats().preparse_backlog > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the watcher's next polls (heap trim)
    const long grown = rss_kib() - rss0;
    const double per = static_cast<double>(grown) * 1024.0 / static_cast<double>(std::max<std::size_t>(n, 1));
    std::printf("fresh process: open to ready %.1f ms; RSS +%ld KiB for %zu certificates, all parsed -> %.0f B/cert,"
                " %.0f B beyond DER\n",
                open_ms, grown, agent->certificate_count(), per, per - der_bytes);
    return agent->stats().parsed == agent->certificate_count() ? 0 : 1;
}

void run_rss_probe(const std::string& path, std::size_t n, double der_bytes) {
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
        const std::string count = std::to_string(n), der_text = std::to_string(der_bytes);
        execl("/proc/self/exe", "handshake_load", "--rss-probe", path.c_str(), count.c_str(), der_text.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        std::printf("fresh process: probe failed\n");
}

}  // namespace certa::bench
