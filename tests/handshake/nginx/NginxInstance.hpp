// Debian's own nginx (/usr/sbin/nginx) with ngx_http_certa_module, run by a
// test on loopback: its own prefix and nginx.conf in a TempDir, the master in
// the foreground (`-g 'daemon off;'`) as root, workers as www-data. The
// module comes from $CERTA_NGINX_MODULE, libcerta_handshake from
// $CERTA_HANDSHAKE_LIB_DIR (LD_LIBRARY_PATH of the master; workers fork).
#pragma once

#include "tests/support/Subprocess.hpp"
#include "tests/support/TempDir.hpp"

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace certa::test {

class NginxInstance {
public:
    // `http_body`: what goes inside http{} after certa_store (server blocks).
    // An empty `store` leaves certa_store out.
    NginxInstance(const std::string& store, const std::string& http_body, int workers = 2);
    ~NginxInstance();
    NginxInstance(const NginxInstance&) = delete;
    NginxInstance& operator=(const NginxInstance&) = delete;

    const std::string& prefix() const { return prefix_; }
    // `nginx -t` on this configuration.
    RunResult test_config() const;
    // Starts the master and waits (bounded) until `port` on 127.0.0.1 accepts.
    // In the foreground (`daemon off`, the master is this process's child)
    // or, with `daemon`, as systemd's Type=forking runs it: nginx forks and
    // its first process exits (a binary upgrade works only then: a master
    // whose parent never changed ignores USR2).
    bool start(int port, bool daemon = false);
    // `nginx -s SIGNAL` (reload, stop, quit) through the pid file.
    RunResult signal(const std::string& name) const;
    // Waits (bounded) for the master to exit; its status (a daemon's: 0 once gone).
    RunResult wait_exit(std::chrono::milliseconds timeout);
    pid_t master_pid() const;
    // The master's children (workers), and the uid each runs as.
    std::vector<pid_t> worker_pids() const;
    // The worker processes whose parent is `master` (any nginx master: after
    // a binary upgrade, the new one).
    static std::vector<pid_t> workers_of(pid_t master);
    static uid_t uid_of(pid_t pid);
    std::string error_log() const;

private:
    std::vector<std::string> argv(std::vector<std::string> extra) const;
    RunOptions options() const;

    TempDir dir_;
    std::string prefix_;
    std::string conf_;
    std::unique_ptr<Background> master_;
    pid_t daemon_master_ = -1;  // start(port, true): from the pid file
};

// The path of the built module ($CERTA_NGINX_MODULE).
std::string nginx_module_path();

}  // namespace certa::test
