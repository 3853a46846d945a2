// Replays saved inputs through one fuzz target without libFuzzer, so that the
// ordinary (g++) build runs every corpus as a test: each file named on the
// command line, and every regular file below each directory named, is fed to
// LLVMFuzzerTestOneInput in name order. A crash, sanitizer report or uncaught
// exception ends the process as it would under libFuzzer. No input at all is
// a failure too (a corpus that went missing must not pass unnoticed).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::filesystem::path> inputs_of(const std::filesystem::path& arg) {
    std::vector<std::filesystem::path> out;
    if (std::filesystem::is_directory(arg)) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(arg))
            if (entry.is_regular_file()) out.push_back(entry.path());
        std::sort(out.begin(), out.end());
    } else if (std::filesystem::is_regular_file(arg)) {
        out.push_back(arg);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t ran = 0;
    for (int i = 1; i < argc; ++i) {
        const auto inputs = inputs_of(argv[i]);
        if (inputs.empty()) {
            std::fprintf(stderr, "replay: no input in %s\n", argv[i]);
            return 1;
        }
        for (const auto& path : inputs) {
            std::ifstream file(path, std::ios::binary);
            const std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
            if (!file.eof() && file.fail()) {
                std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
                return 1;
            }
            // A copy of exactly the input's size, so that ASan catches a read past its end.
            std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
            static std::uint8_t none = 0;
            LLVMFuzzerTestOneInput(data.empty() ? &none : data.data(), data.size());
            ++ran;
        }
    }
    if (ran == 0) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 1;
    }
    std::printf("replay: %zu inputs ran\n", ran);
    return 0;
}
