// `certa serve --on-demand` under a flood (issue 14), end to end: a real
// daemon, a loopback ask endpoint (AskServer) and, for issuance, a real
// Pebble. The flood comes from 127.0.0.2, the legitimate clients from
// 127.0.0.1 (serve limits asks per client address).
#include "AskServer.hpp"
#include "HelloFlood.hpp"
#include "OnDemandFixture.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <thread>

using namespace certa;
using namespace certa::test;
using namespace std::chrono_literals;

namespace {

std::string random_name(int i) {
    return "r" + std::to_string((static_cast<std::uint64_t>(i) + 1) * 0x9E3779B97F4A7C15ull) + ".flood.example";
}

bool issued_for(std::uint16_t port, const std::string& name) {
    auto leaf = leaf_for(port, name);
    if (!leaf) return false;
    auto names = san_names(leaf.get());
    return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

TEST_CASE("after 20,000 random --ask names from one host, an --allow and an --ask-approved name are issued") {
    AskServer ask({"yes.asked.example.com"});
    OnDemandFixture f({}, {"--on-demand-wait", "30", "--max-connections", "4096"},
                      {"--allow", "*.ondemand.example.com", "--ask", ask.url()});
    const auto flood = flood_client_hellos(f.serve->port(), "127.0.0.2", 20000, 4, random_name);
    std::printf("serve flood: %d ClientHellos with random names from 127.0.0.2 in %.1f s (%.0f/s), %d closed by serve; "
                "asked %d\n",
                flood.sent, flood.seconds, flood.sent / flood.seconds, flood.closed, ask.asked_total());
    CHECK(flood.closed == flood.sent);
    // --ask-rate-per-client (default 20 a minute, refilled evenly while the flood runs)
    CHECK(ask.asked_total() <= 21 + static_cast<int>(flood.seconds / 3));

    CHECK_MESSAGE(issued_for(f.serve->port(), "a.ondemand.example.com"), f.serve->logs());
    CHECK_MESSAGE(issued_for(f.serve->port(), "yes.asked.example.com"), f.serve->logs());
    CHECK(ask.asked("yes.asked.example.com") == 1);
    auto store = f.open();
    CHECK(count_events(*store, "issued") == 2);
}

TEST_CASE("refusal lines are rate-limited, show normalized names only, and never the --ask URL's token") {
    AskServer ask({});
    const std::string ask_url = ask.url() + "?token=SECRET";
    ask.stop();  // every ask fails: its error message carries the URL
    TempDir dir;
    ServeProcess serve(dir.file("certa.db"),
                       {"--on-demand", "--allow", "*.odd.example", "--ask", ask_url, "--on-demand-wait", "1"}, "info");

    // Raw SNI with whitespace, upper case and a trailing dot: logged as its normalized form.
    CHECK(send_client_hello(serve.port(), "127.0.0.3", " \tEVIL.Odd.Example.\r\n"));
    CHECK(serve.wait_for_log("on-demand certificate for evil.odd.example did not arrive in time", 10s));
    // Bytes outside the DNS alphabet: not a name on-demand looks at.
    CHECK(send_client_hello(serve.port(), "127.0.0.3", "\x1b[31mred.odd.example"));
    CHECK(send_client_hello(serve.port(), "127.0.0.4", "down.asked.example"));
    CHECK(serve.wait_for_log("external check for down.asked.example failed", 10s));

    const auto flood = flood_client_hellos(serve.port(), "127.0.0.2", 5000, 4, random_name);
    std::this_thread::sleep_for(1500ms);  // the asks' waits (--on-demand-wait 1) end
    const std::string logs = serve.logs();
    const auto lines = std::count(logs.begin(), logs.end(), '\n');
    std::printf("serve log flood: %d ClientHellos in %.1f s -> %ld log lines\n", flood.sent, flood.seconds,
                static_cast<long>(lines));
    CHECK(flood.closed == flood.sent);
    CHECK(lines < 60);  // startup ~8, at most 20 refusal lines a minute
    std::size_t refusals = 0;
    for (const char* line : {"refused by the external check", "external check for", "asks too often", "did not arrive"})
        for (auto at = logs.find(line); at != std::string::npos; at = logs.find(line, at + 1)) ++refusals;
    CHECK(refusals <= 20);  // the gate writes 20 refusal lines a minute at most
    CHECK(logs.find("SECRET") == std::string::npos);
    CHECK(logs.find("<redacted>") != std::string::npos);
    CHECK(logs.find("EVIL") == std::string::npos);
    CHECK(logs.find('\x1b') == std::string::npos);
    CHECK(logs.find('\t') == std::string::npos);
}
