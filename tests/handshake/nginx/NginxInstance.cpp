#include "NginxInstance.hpp"

#include "TlsProbe.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace certa::test {
namespace {

std::string env_or_throw(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) throw std::runtime_error(std::string("$") + name + " is not set (run through meson test)");
    return v;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

std::string nginx_module_path() { return env_or_throw("CERTA_NGINX_MODULE"); }

NginxInstance::NginxInstance(const std::string& store, const std::string& http_body, int workers) {
    // The workers (www-data) write nothing here, but must reach nothing either:
    // the prefix is root's, 0755, and nginx creates its temp dirs for them.
    ::chmod(dir_.path().c_str(), 0755);
    prefix_ = dir_.path().string();
    conf_ = dir_.file("nginx.conf");
    std::ofstream out(conf_);
    out << "load_module " << nginx_module_path() << ";\n"
        << "user www-data;\n"
        // A binary upgrade (USR2) execs nginx with only the env nginx keeps:
        // the test's libcerta_handshake is found through LD_LIBRARY_PATH.
        << "env LD_LIBRARY_PATH;\n"
        << "worker_processes " << workers << ";\n"
        << "error_log " << prefix_ << "/error.log info;\n"
        << "pid " << prefix_ << "/nginx.pid;\n"
        << "events { worker_connections 512; }\n"
        << "http {\n"
        << "  access_log off;\n";
    for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
        out << "  " << t << "_temp_path " << prefix_ << "/tmp_" << t << ";\n";
    if (!store.empty()) out << "  certa_store " << store << ";\n";
    out << http_body << "\n}\n";
}

NginxInstance::~NginxInstance() {
    if (master_ && master_->running()) {
        (void)signal("stop");
        (void)master_->stop(SIGKILL, std::chrono::seconds(5));
    }
    if (daemon_master_ > 0 && ::kill(daemon_master_, 0) == 0) {
        ::kill(daemon_master_, SIGTERM);
        (void)wait_exit(std::chrono::seconds(5));
        ::kill(daemon_master_, SIGKILL);
    }
}

std::vector<std::string> NginxInstance::argv(std::vector<std::string> extra) const {
    std::vector<std::string> a{"/usr/sbin/nginx", "-p", prefix_ + "/", "-c", conf_};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

RunOptions NginxInstance::options() const {
    RunOptions o;
    o.env["LD_LIBRARY_PATH"] = env_or_throw("CERTA_HANDSHAKE_LIB_DIR");
    o.timeout = std::chrono::seconds(30);
    return o;
}

RunResult NginxInstance::test_config() const { return run(argv({"-t"}), options()); }

bool NginxInstance::start(int port, bool daemon) {
    if (daemon) {
        if (run(argv({}), options()).exit_code != 0) return false;
        std::ifstream pid_file(prefix_ + "/nginx.pid");
        long pid = 0;
        if (!(pid_file >> pid) || pid <= 0) return false;
        daemon_master_ = static_cast<pid_t>(pid);
    } else {
        master_ = std::make_unique<Background>(argv({"-g", "daemon off;"}), options());
    }
    for (int i = 0; i < 300; ++i) {  // 15 s at most
        if (master_ ? !master_->running() : ::kill(daemon_master_, 0) != 0) return false;
        if (tcp_accepts(port) && worker_pids().size() > 0) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

RunResult NginxInstance::signal(const std::string& name) const { return run(argv({"-s", name}), options()); }

RunResult NginxInstance::wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    if (!master_) {  // a daemon: reaped here when this process is its subreaper
        RunResult r;
        r.exit_code = -1;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(daemon_master_, &status, WNOHANG) == daemon_master_) {
                r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
                return r;
            }
            if (::kill(daemon_master_, 0) != 0) {
                r.exit_code = 0;
                return r;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return r;
    }
    while (master_->running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return master_->stop(SIGKILL, std::chrono::seconds(5));  // reaps it; kills only if still running
}

pid_t NginxInstance::master_pid() const { return master_ ? master_->pid() : daemon_master_; }

std::vector<pid_t> NginxInstance::worker_pids() const { return workers_of(master_pid()); }

std::vector<pid_t> NginxInstance::workers_of(pid_t master) {
    std::vector<pid_t> pids;
    DIR* proc = ::opendir("/proc");
    if (!proc) return pids;
    while (dirent* e = ::readdir(proc)) {
        const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
        if (pid <= 0) continue;
        const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
        const auto close = stat.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(stat.substr(close + 2));
        std::string state;
        pid_t ppid = 0;
        rest >> state >> ppid;
        if (ppid == master && state != "Z" &&
            read_file("/proc/" + std::to_string(pid) + "/cmdline").find("worker process") != std::string::npos)
            pids.push_back(pid);
    }
    ::closedir(proc);
    return pids;
}

uid_t NginxInstance::uid_of(pid_t pid) {
    std::istringstream status(read_file("/proc/" + std::to_string(pid) + "/status"));
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("Uid:", 0) == 0) return static_cast<uid_t>(std::stoul(line.substr(4)));
    return static_cast<uid_t>(-1);
}

std::string NginxInstance::error_log() const { return read_file(prefix_ + "/error.log"); }

}  // namespace certa::test
