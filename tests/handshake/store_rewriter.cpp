// Test helper process: keeps renewing certificates in a store, the way a
// concurrent `certa renew` would, so that the agent's reloads race with
// handshakes in another process.
//   store_rewriter STORE DURATION_MS MAX_PUTS NAME...
// Each round puts a fresh certificate for every NAME that replaces the
// active one. Prints the number of puts.
#include "StoreFiller.hpp"
#include "storage/Store.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: store_rewriter STORE DURATION_MS MAX_PUTS NAME...\n");
        return 2;
    }
    try {
        auto store = certa::storage::open_store(argv[1]);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::stol(argv[2]));
        const long max_puts = std::stol(argv[3]);
        std::vector<std::string> names(argv + 4, argv + argc);
        long puts = 0;
        while (puts < max_puts && std::chrono::steady_clock::now() < deadline) {
            for (const auto& name : names) {
                auto active = store->find_active_certificate(name);
                std::optional<std::int64_t> replaces;
                if (active) replaces = active->id;
                certa::test::put_test_cert(*store, {name}, puts % 3 == 0 ? "ec384" : "ec256", replaces);
                ++puts;
            }
        }
        std::printf("%ld\n", puts);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "store_rewriter: %s\n", e.what());
        return 1;
    }
}
