#include "Subprocess.hpp"

#include "TestFiles.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace certa::test {

namespace {

std::vector<std::string> merged_env(const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> all;
    for (char** e = environ; *e; ++e) {
        std::string kv(*e);
        auto eq = kv.find('=');
        if (eq != std::string::npos) all[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& [k, v] : extra) all[k] = v;
    std::vector<std::string> out;
    for (const auto& [k, v] : all) out.push_back(k + "=" + v);
    return out;
}

std::vector<char*> c_array(std::vector<std::string>& v) {
    std::vector<char*> out;
    for (auto& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

void fill_status(RunResult& r, int status) {
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
}

// Forks and execs; the child's stdio goes to the given fds.
pid_t spawn(const std::vector<std::string>& argv, const RunOptions& options, int in_fd, int out_fd, int err_fd) {
    auto env = merged_env(options.env);
    auto args = argv;
    auto envp = c_array(env);
    auto argp = c_array(args);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(in_fd, 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        setpgid(0, 0);
        execvpe(argp[0], argp.data(), envp.data());
        _exit(127);
    }
    return pid;
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe2(in_pipe, O_CLOEXEC) || pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC))
        throw std::runtime_error("pipe failed");
    pid_t pid = spawn(argv, options, in_pipe[0], out_pipe[1], err_pipe[1]);
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    // Feed stdin in a thread so a large input cannot deadlock against output.
    std::thread feeder([fd = in_pipe[1], data = options.stdin_data] {
        size_t off = 0;
        signal(SIGPIPE, SIG_IGN);
        while (off < data.size()) {
            ssize_t n = write(fd, data.data() + off, data.size() - off);
            if (n <= 0) break;
            off += static_cast<size_t>(n);
        }
        close(fd);
    });
    RunResult r;
    auto deadline = std::chrono::steady_clock::now() + options.timeout;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_fds = 2;
    char buf[65536];
    while (open_fds > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            r.timed_out = true;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            break;
        }
        int n = poll(fds, 2, static_cast<int>(std::min<long>(left.count(), 1000)));
        if (n < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t got = read(fds[i].fd, buf, sizeof buf);
            if (got <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            } else {
                (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(got));
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) close(f.fd);
    int status = 0;
    waitpid(pid, &status, 0);
    feeder.join();
    fill_status(r, status);
    if (r.timed_out) r.exit_code = -1;
    return r;
}

std::string certa_bin() {
    const char* bin = std::getenv("CERTA_BIN");
    if (!bin) throw std::runtime_error("CERTA_BIN is not set (run through meson test)");
    return bin;
}

RunResult run_certa(const std::vector<std::string>& args, const RunOptions& options) {
    std::vector<std::string> argv{certa_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, options);
}

Background::Background(const std::vector<std::string>& argv, const RunOptions& options) {
    char tmpl[] = "/tmp/certa-bg-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    out_path_ = std::string(tmpl) + "/out";
    err_path_ = std::string(tmpl) + "/err";
    int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out_fd = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int err_fd = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    pid_ = spawn(argv, options, in_fd, out_fd, err_fd);
    close(in_fd);
    close(out_fd);
    close(err_fd);
}

Background::~Background() {
    if (pid_ > 0) {
        kill(-pid_, SIGKILL);
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
}

bool Background::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    pid_t got = waitpid(pid_, &status, WNOHANG);
    if (got == pid_) {
        pid_ = -1;
        reaped_ = true;
        reaped_status_ = status;
        return false;
    }
    return true;
}

RunResult Background::stop(int sig, std::chrono::milliseconds timeout) {
    RunResult r;
    if (pid_ <= 0) {
        if (reaped_) {  // it exited by itself and running() reaped it
            fill_status(r, reaped_status_);
            r.out = out();
            r.err = err();
        }
        return r;
    }
    kill(pid_, sig);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (true) {
        pid_t got = waitpid(pid_, &status, WNOHANG);
        if (got == pid_) break;
        if (std::chrono::steady_clock::now() >= deadline) {
            r.timed_out = true;
            kill(-pid_, SIGKILL);
            kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    fill_status(r, status);
    r.out = out();
    r.err = err();
    return r;
}

std::string Background::out() const { return slurp(out_path_); }
std::string Background::err() const { return slurp(err_path_); }

}  // namespace certa::test
