#include "PostgresHarness.hpp"

#include "PebbleHarness.hpp"
#include "Subprocess.hpp"
#include "storage/pg/PgConnection.hpp"

#include <openssl/rand.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace certa::test {

namespace {

const std::string kBin = "/usr/lib/postgresql/15/bin/";

// Runs a PostgreSQL program, as `nobody` when we are root.
RunResult run_pg(std::vector<std::string> argv, std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    if (::geteuid() == 0) argv.insert(argv.begin(), {"runuser", "-u", "nobody", "--"});
    RunOptions options;
    options.timeout = timeout;
    return run(argv, options);
}

void write_private(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out || ::chmod(path.c_str(), 0600) != 0) throw std::runtime_error("cannot write " + path);
}

std::string random_password() {
    unsigned char bytes[12];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
    static const char* hex = "0123456789abcdef";
    std::string out = "pw-";
    for (unsigned char b : bytes) out += {hex[b >> 4], hex[b & 15]};
    return out;
}

}  // namespace

PostgresHarness::PostgresHarness() : owner_(::getpid()) {
    if (!std::filesystem::exists(kBin + "initdb"))
        throw std::runtime_error("PostgreSQL 15 is not installed (apt-get install postgresql-15)");
    password_ = random_password();
    data_ = dir_.file("data");
    log_path_ = dir_.file("server.log");
    std::string pwfile = dir_.file("pwfile");
    write_private(pwfile, password_ + "\n");
    if (::geteuid() == 0) {
        struct passwd* nobody = ::getpwnam("nobody");
        if (!nobody) throw std::runtime_error("no user `nobody` to run PostgreSQL as");
        for (const auto& path : {dir_.path().string(), pwfile})
            if (::chown(path.c_str(), nobody->pw_uid, nobody->pw_gid) != 0)
                throw std::runtime_error("cannot chown " + path + " to nobody");
    }
    auto init = run_pg({kBin + "initdb", "-D", data_, "-U", user_, "--pwfile=" + pwfile, "--auth-host=scram-sha-256",
                        "--auth-local=trust", "-E", "UTF8", "--locale=C", "--no-sync"});
    if (init.exit_code != 0) throw std::runtime_error("initdb failed: " + init.out + init.err);
    std::filesystem::remove(pwfile);
    // A port may be taken between choosing and binding it: try a few.
    for (int attempt = 0; attempt < 5 && !started_; ++attempt) started_ = start_once();
    if (!started_) throw std::runtime_error("PostgreSQL did not start:\n" + log());
    // The password file belongs to us (libpq ignores it unless it is 0600).
    passfile_ = dir_.file("pgpass");
    write_private(passfile_, "127.0.0.1:" + std::to_string(port_) + ":*:" + user_ + ":" + password_ + "\n");
    ::setenv("PGPASSFILE", passfile_.c_str(), 1);
}

bool PostgresHarness::start_once() {
    port_ = free_tcp_port();
    // Durability is not under test here: fsync off keeps the suite fast.
    std::string options = "-p " + std::to_string(port_) + " -c listen_addresses=127.0.0.1 -k " +
                          dir_.path().string() + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
    auto start = run_pg({kBin + "pg_ctl", "-D", data_, "-l", log_path_, "-w", "-t", "60", "-o", options, "start"},
                        std::chrono::seconds(90));
    return start.exit_code == 0;
}

PostgresHarness::~PostgresHarness() {
    // Forked children inherit the object; only the process that started the
    // server stops it.
    if (!started_ || ::getpid() != owner_) return;
    run_pg({kBin + "pg_ctl", "-D", data_, "-m", "immediate", "-w", "-t", "30", "stop"}, std::chrono::seconds(40));
}

PostgresHarness& PostgresHarness::shared() {
    static PostgresHarness harness;
    return harness;
}

std::string PostgresHarness::url(const std::string& database) const {
    return "postgresql://" + user_ + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresHarness::url_with_password(const std::string& database) const {
    return "postgresql://" + user_ + ":" + password_ + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresHarness::create_database() {
    std::string name = "certa_" + std::to_string(::getpid()) + "_" + std::to_string(++databases_);
    storage::pg::PgConnection admin(url("postgres"));
    admin.exec("CREATE DATABASE " + name);
    return url(name);
}

std::string PostgresHarness::log() const {
    std::ifstream in(log_path_);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace certa::test
