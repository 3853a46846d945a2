#include "BenchStore.hpp"
#include "storage/KeyGeneration.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

namespace certa::bench {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

storage::CertificateInput input_for(const std::string& name, EVP_PKEY* key, const std::string& key_pem) {
    storage::CertificateInput in;
    in.names = {name};
    in.key_type = "ec256";
    in.key_pem = key_pem;
    in.chain_pem = ossl::to_pem(make_cert(name, key).get());
    in.server = "https://127.0.0.1/bench";
    return in;
}

}  // namespace

std::string name_of(std::size_t i) { return "h" + std::to_string(i) + ".bench.test"; }

ossl::X509Ptr make_cert(const std::string& san, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
    ossl::X509Ptr cert(X509_new());
    X509_set_version(cert.get(), X509_VERSION_3);
    unsigned char serial[12];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    ossl::BignumPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
    BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 86400);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(san.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer ? issuer : cert.get()));
    X509_set_pubkey(cert.get(), key);
    std::string value = "DNS:" + san;
    ossl::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, value.c_str()));
    X509_add_ext(cert.get(), ext.get(), -1);
    X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256());
    return cert;
}

std::int64_t put(storage::Store& store, const std::string& name, EVP_PKEY* key, const std::string& key_pem,
                 std::optional<std::int64_t> replaces) {
    storage::CertificateInput in = input_for(name, key, key_pem);
    in.replaces = replaces;
    return store.put_certificate(in);
}

KeyPool make_key_pool(std::size_t count) {
    KeyPool pool;
    for (std::size_t i = 0; i < std::max<std::size_t>(count, 1); ++i) {
        pool.keys.push_back(storage::generate_key("ec256"));
        pool.pems.push_back(ossl::to_pem(pool.keys.back().get()));
    }
    return pool;
}

void fill_store(const std::string& path, std::size_t n, const KeyPool& pool) {
    auto store = storage::open_store(path);
    if (store->list_certificates({}).size() == n) {
        std::printf("fill: reused %s\n", path.c_str());
        return;
    }
    store.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    store = storage::open_store(path);
    // Certificates are made in batches first so that the put rate is the store's alone.
    double make_ms = 0, put_ms = 0;
    for (std::size_t done = 0; done < n;) {
        std::vector<storage::CertificateInput> batch;
        auto t0 = Clock::now();
        for (; done < n && batch.size() < 1000; ++done)
            batch.push_back(input_for(name_of(done), pool.key(done), pool.pem(done)));
        make_ms += ms_since(t0);
        t0 = Clock::now();
        store->put_certificates(batch);  // one transaction per batch
        put_ms += ms_since(t0);
    }
    std::printf("fill: made %zu certificates (%zu keys) in %.0f ms; put_certificates (batches of 1000) in %.0f ms"
                " (%.0f certificates/s)\n",
                n, pool.keys.size(), make_ms, put_ms, n / (put_ms / 1000));
}

}  // namespace certa::bench
