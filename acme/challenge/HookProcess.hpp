// Runs a user-supplied hook program (dns-01 hooks, deploy hooks): fork/exec
// with an argv (no shell), extra environment, stdin from /dev/null, output
// captured (bounded), wall time bounded (the whole process group is killed).
#pragma once

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace certa::acme {

struct HookResult {
    int exit_code = -1;      // -1 when killed by a signal or timed out
    bool timed_out = false;
    std::string output;      // stdout and stderr interleaved, at most max_output bytes
};

struct HookOptions {
    std::map<std::string, std::string> env;  // added to (overriding) the inherited environment
    std::chrono::milliseconds timeout{120000};
    std::size_t max_output = 16 * 1024;
};

// Throws std::runtime_error when the program cannot be started at all.
HookResult run_hook(const std::vector<std::string>& argv, const HookOptions& options = {});

}  // namespace certa::acme
