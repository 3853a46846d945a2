// Runs a real child process (argv, no shell) with a bounded wall time and
// captures its exit code, stdout and stderr. Used to drive the `certa` binary
// and OpenSSL's s_client / curl in integration tests.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace certa::test {

struct RunResult {
    int exit_code = -1;      // -1 when killed by a signal or timed out
    int signal = 0;
    bool timed_out = false;
    std::string out;
    std::string err;
};

struct RunOptions {
    std::map<std::string, std::string> env;   // added to (or overriding) the parent's environment
    std::string stdin_data;
    std::chrono::milliseconds timeout{60000};
};

RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// Path of the built `certa` binary (from $CERTA_BIN, set by meson test).
std::string certa_bin();
// `certa` with the given arguments.
RunResult run_certa(const std::vector<std::string>& args, const RunOptions& options = {});

// A child left running in the background (a daemon under test). Killed with
// SIGKILL on destruction unless stopped first.
class Background {
public:
    Background(const std::vector<std::string>& argv, const RunOptions& options = {});
    ~Background();
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;
    pid_t pid() const { return pid_; }
    // Sends `sig` and waits (bounded) for exit; returns the exit status like RunResult.
    RunResult stop(int sig, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
    bool running();
    // Everything the child wrote so far to stdout / stderr (files under a temp dir).
    std::string out() const;
    std::string err() const;

private:
    pid_t pid_ = -1;
    bool reaped_ = false;   // running() collected its exit status (kept for stop())
    int reaped_status_ = 0;
    std::string out_path_, err_path_;
};

}  // namespace certa::test
