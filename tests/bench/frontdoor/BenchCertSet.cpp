#include "BenchCertSet.hpp"

#include "../BenchStore.hpp"
#include "storage/Store.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace certa::bench {

namespace fs = std::filesystem;

std::string BenchCertSet::pem(std::size_t i) const { return dir + "/certs/" + name_of(i) + ".pem"; }

BenchCertSet make_cert_set(const std::string& cache_dir, std::size_t n, std::size_t keys) {
    BenchCertSet set;
    set.count = n;
    set.dir = cache_dir + "/" + std::to_string(n) + "-k" + std::to_string(keys);
    set.store = set.dir + "/certa.db";
    const std::string marker = set.dir + "/complete";
    if (fs::exists(marker)) {
        storage::open_store(set.store);  // migrates a store kept from an older schema (not timed by the servers)
        std::printf("certs: reused %s\n", set.dir.c_str());
        return set;
    }
    fs::remove_all(set.dir);
    fs::create_directories(set.dir + "/certs");
    auto started = std::chrono::steady_clock::now();
    KeyPool pool = make_key_pool(keys);
    auto store = storage::open_store(set.store);
    for (std::size_t done = 0; done < n;) {
        std::vector<storage::CertificateInput> batch;
        for (; done < n && batch.size() < 1000; ++done) {
            storage::CertificateInput in;
            in.names = {name_of(done)};
            in.key_type = "ec256";
            in.key_pem = pool.pem(done);
            in.chain_pem = ossl::to_pem(make_cert(name_of(done), pool.key(done)).get());
            in.server = "https://127.0.0.1/bench";
            std::ofstream file(set.pem(done), std::ios::binary);
            file << in.chain_pem << in.key_pem;
            file.close();
            if (!file) throw std::runtime_error("cannot write " + set.pem(done));
            fs::permissions(set.pem(done), fs::perms::owner_read | fs::perms::owner_write);  // holds a key
            batch.push_back(std::move(in));
        }
        store->put_certificates(batch);
    }
    store.reset();
    std::ofstream(marker) << n << "\n";
    std::printf("certs: made %zu certificates (%zu keys) in %s in %.1f s\n", n, keys, set.dir.c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return set;
}

}  // namespace certa::bench
