// A real PostgreSQL 15 (Debian `postgresql-15`: initdb + pg_ctl) in a temp
// dir on 127.0.0.1 with a free port, for the PostgreSQL store tests. When the
// tests run as root, the server runs as `nobody` (postgres refuses root).
//
// Host connections need a password (scram-sha-256). The harness writes it to
// a 0600 PGPASSFILE and exports PGPASSFILE, so URLs without a password work
// in this process, its forked children and `certa` subprocesses; that proves
// libpq's environment is honoured.
//
//   auto url = certa::test::PostgresHarness::shared().create_database();
//   auto store = certa::storage::open_store(url);
#pragma once

#include "TempDir.hpp"

#include <string>
#include <sys/types.h>

namespace certa::test {

class PostgresHarness {
public:
    PostgresHarness();  // throws std::runtime_error (with the server log) when it cannot start
    ~PostgresHarness();
    PostgresHarness(const PostgresHarness&) = delete;
    PostgresHarness& operator=(const PostgresHarness&) = delete;

    // One server per test process, started on first use and stopped at exit.
    static PostgresHarness& shared();

    int port() const { return port_; }
    const std::string& user() const { return user_; }
    const std::string& password() const { return password_; }
    const std::string& passfile() const { return passfile_; }
    // postgresql://certa@127.0.0.1:PORT/DATABASE (no password: PGPASSFILE supplies it).
    std::string url(const std::string& database) const;
    // The same with the password inline (postgresql://certa:PASS@...).
    std::string url_with_password(const std::string& database) const;
    // CREATE DATABASE with a fresh name; returns its URL.
    std::string create_database();
    std::string log() const;

private:
    bool start_once();
    TempDir dir_;
    std::string data_, log_path_, passfile_;
    std::string user_ = "certa";
    std::string password_;
    int port_ = 0;
    bool started_ = false;
    pid_t owner_ = 0;
    int databases_ = 0;
};

}  // namespace certa::test
