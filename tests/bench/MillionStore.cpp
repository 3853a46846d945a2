#include "MillionStore.hpp"

#include "BenchStore.hpp"
#include "storage/KeyGeneration.hpp"
#include "storage/KeyType.hpp"
#include "storage/Store.hpp"
#include "storage/base/Clock.hpp"

#include <openssl/x509v3.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

namespace certa::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kIssuers = 4;
constexpr std::size_t kChunk = 20000;  // rows per transaction

struct Issuer {
    ossl::PKeyPtr key;
    ossl::X509Ptr cert;
    std::string pem;
};

Issuer make_issuer(std::size_t i) {
    Issuer issuer{storage::generate_key(storage::kEc256), nullptr, {}};
    issuer.cert = make_cert("bench-issuer-" + std::to_string(i), issuer.key.get());
    ossl::X509ExtPtr ca(X509V3_EXT_conf_nid(nullptr, nullptr, NID_basic_constraints, "critical,CA:TRUE"));
    X509_add_ext(issuer.cert.get(), ca.get(), -1);
    X509_sign(issuer.cert.get(), issuer.key.get(), EVP_sha256());
    issuer.pem = ossl::to_pem(issuer.cert.get());
    return issuer;
}

// Leaf i for name_of(i) with `leaf_key`, signed by `issuer`; the chain's PEM.
std::string leaf_chain(std::size_t i, EVP_PKEY* leaf_key, const Issuer& issuer) {
    auto cert = make_cert(name_of(i), leaf_key, issuer.cert.get(), issuer.key.get());
    return ossl::to_pem(cert.get()) + issuer.pem;
}

std::size_t row_count(const std::string& path) {
    if (!std::filesystem::exists(path)) return 0;
    sqlite3* db = nullptr;
    std::size_t n = 0;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM certificates WHERE status = 'active'", -1, &st, nullptr) ==
                SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            n = static_cast<std::size_t>(sqlite3_column_int64(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return n;
}

void exec(sqlite3* db, const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::string what = error ? error : "sqlite error";
        sqlite3_free(error);
        throw std::runtime_error(what);
    }
}

}  // namespace

std::string million_store(const std::string& dir, std::size_t n) {
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/cache-" + std::to_string(n) + ".db";
    if (row_count(path) == n) {
        std::printf("store: reused %s (%zu certificates)\n", path.c_str(), n);
        return path;
    }
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    storage::open_store(path).reset();  // the schema, as certa makes it

    std::vector<Issuer> issuers;
    std::vector<ossl::PKeyPtr> leaf_keys;
    std::vector<std::string> leaf_key_pems;
    for (std::size_t i = 0; i < kIssuers; ++i) {
        issuers.push_back(make_issuer(i));
        leaf_keys.push_back(storage::generate_key(storage::kEc256));
        leaf_key_pems.push_back(ossl::to_pem(leaf_keys.back().get()));
    }
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("cannot open " + path);
    exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;");
    sqlite3_stmt* cert_row = nullptr;
    sqlite3_stmt* name_row = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO certificates(id, key_type, key_pem, chain_pem, server, not_before, not_after,"
                       " serial_hex, status, generation, created, updated) VALUES (?1, 'ec256', ?2, ?3,"
                       " 'https://127.0.0.1/bench', ?4, ?5, ?6, 'active', 1, ?4, ?4)",
                       -1, &cert_row, nullptr);
    sqlite3_prepare_v2(db, "INSERT INTO certificate_names(certificate_id, position, name) VALUES (?1, 0, ?2)", -1,
                       &name_row, nullptr);
    const std::int64_t now = certa::storage::unix_now();
    double make_s = 0, write_s = 0;
    std::vector<std::string> chains;
    for (std::size_t base = 0; base < n; base += kChunk) {
        const std::size_t count = std::min(kChunk, n - base);
        auto t0 = Clock::now();
        chains.assign(count, {});
        auto make = [&](std::size_t from, std::size_t to) {
            for (std::size_t k = from; k < to; ++k) {
                const std::size_t i = base + k;
                chains[k] = leaf_chain(i, leaf_keys[i % kIssuers].get(), issuers[i % kIssuers]);
            }
        };
        std::thread other(make, count / 2, count);
        make(0, count / 2);
        other.join();
        make_s += std::chrono::duration<double>(Clock::now() - t0).count();
        t0 = Clock::now();
        exec(db, "BEGIN");
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = base + k;
            const auto id = static_cast<sqlite3_int64>(i + 1);
            const std::string serial = std::to_string(i + 1);
            sqlite3_bind_int64(cert_row, 1, id);
            sqlite3_bind_text(cert_row, 2, leaf_key_pems[i % kIssuers].c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(cert_row, 3, chains[k].c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_int64(cert_row, 4, now - 60);
            sqlite3_bind_int64(cert_row, 5, now + 30 * 86400);
            sqlite3_bind_text(cert_row, 6, serial.c_str(), -1, SQLITE_TRANSIENT);
            if (sqlite3_step(cert_row) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
            sqlite3_reset(cert_row);
            const std::string name = name_of(i);
            sqlite3_bind_int64(name_row, 1, id);
            sqlite3_bind_text(name_row, 2, name.c_str(), -1, SQLITE_TRANSIENT);
            if (sqlite3_step(name_row) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
            sqlite3_reset(name_row);
        }
        exec(db, "COMMIT");
        write_s += std::chrono::duration<double>(Clock::now() - t0).count();
    }
    exec(db, "UPDATE meta SET value = value + 1 WHERE key = 'generation'");
    sqlite3_finalize(cert_row);
    sqlite3_finalize(name_row);
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(db);
    std::printf("store: made %zu certificates (%zu issuers, %zu leaf keys) in %.1f s on 2 threads; wrote them in"
                " %.1f s (transactions of %zu)\n",
                n, kIssuers, kIssuers, make_s, write_s, kChunk);
    return path;
}

}  // namespace certa::bench
