#include "acme/challenge/HookProcess.hpp"

#include "storage/base/UniqueFd.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

extern char** environ;

namespace certa::acme {
namespace {

// Everything the child needs, built before fork: after fork in a threaded
// process only async-signal-safe calls are allowed.
struct ExecImage {
    std::vector<std::string> strings;
    std::vector<char*> argv, envp;
};

// A program name without '/' is looked up in $PATH (before fork, like execvp would).
std::string resolve_program(const std::string& name) {
    if (name.find('/') != std::string::npos) return name;
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    for (size_t start = 0; start <= dirs.size();) {
        size_t colon = dirs.find(':', start);
        std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    return name;
}

ExecImage build_image(const std::vector<std::string>& args, const std::map<std::string, std::string>& extra) {
    ExecImage img;
    img.strings.reserve(args.size() + extra.size() + 256);
    for (const auto& a : args) img.strings.push_back(a);
    img.strings[0] = resolve_program(args[0]);
    size_t env_begin = img.strings.size();
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        std::string key = entry.substr(0, entry.find('='));
        if (!extra.count(key)) img.strings.push_back(std::move(entry));
    }
    for (const auto& [k, v] : extra) img.strings.push_back(k + "=" + v);
    for (size_t i = 0; i < img.strings.size(); ++i)
        (i < env_begin ? img.argv : img.envp).push_back(img.strings[i].data());
    img.argv.push_back(nullptr);
    img.envp.push_back(nullptr);
    return img;
}

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

HookResult run_hook(const std::vector<std::string>& argv, const HookOptions& options) {
    if (argv.empty() || argv[0].empty()) throw std::runtime_error("hook: no program given");
    ExecImage img = build_image(argv, options.env);

    int out_pipe[2], status_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error(std::string("hook: pipe: ") + std::strerror(errno));
    UniqueFd out_r{out_pipe[0]}, out_w{out_pipe[1]};
    if (::pipe2(status_pipe, O_CLOEXEC) != 0) throw std::runtime_error(std::string("hook: pipe: ") + std::strerror(errno));
    UniqueFd st_r{status_pipe[0]}, st_w{status_pipe[1]};

    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("hook: fork: ") + std::strerror(errno));
    if (pid == 0) {
        ::setpgid(0, 0);
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(out_pipe[1], 2);
        ::execve(img.argv[0], img.argv.data(), img.envp.data());
        int err = errno;
        ssize_t ignored = ::write(status_pipe[1], &err, sizeof err);
        (void)ignored;
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also from the parent, so the group exists before we may kill it
    out_w.reset();
    st_w.reset();

    int exec_errno = 0;
    if (::read(st_r.get(), &exec_errno, sizeof exec_errno) == static_cast<ssize_t>(sizeof exec_errno)) {
        ::waitpid(pid, nullptr, 0);
        throw std::runtime_error("hook: cannot run '" + argv[0] + "': " + std::strerror(exec_errno));
    }

    HookResult result;
    const auto deadline = Clock::now() + options.timeout;
    char buf[4096];
    while (true) {
        pollfd p{out_r.get(), POLLIN, 0};
        int left = remaining_ms(deadline);
        int rc = ::poll(&p, 1, left);
        if (rc < 0 && errno == EINTR) continue;
        if (rc == 0) {
            result.timed_out = true;
            break;
        }
        ssize_t n = ::read(out_r.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // EOF: every writer (the hook and its children) closed
        size_t room = options.max_output - std::min(options.max_output, result.output.size());
        result.output.append(buf, std::min(room, static_cast<size_t>(n)));
    }

    int status = 0;
    while (!result.timed_out) {
        pid_t w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) break;
        if (remaining_ms(deadline) == 0) {
            result.timed_out = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (result.timed_out) {
        ::kill(-pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        return result;
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace certa::acme
