// The certificates every server in the front-door benchmark serves: N
// self-signed P-256 certificates h<i>.bench.test (keys from a pool of K), each
// written once as a PEM file (leaf + key, the form haproxy's crt-list, nginx
// and Caddy all read) and put into one certa store. Kept in DIR/N-kK/ and
// reused by later runs.
#pragma once

#include <cstddef>
#include <string>

namespace certa::bench {

struct BenchCertSet {
    std::size_t count = 0;
    std::string dir;        // DIR/N-kK
    std::string store;      // dir/certa.db
    std::string pem(std::size_t i) const;  // dir/certs/h<i>.pem
};

BenchCertSet make_cert_set(const std::string& cache_dir, std::size_t n, std::size_t keys);

}  // namespace certa::bench
