// The certificates the handshake benchmark serves: one self-signed
// certificate per name h<i>.bench.test, signed with key i % K from a pool of
// K distinct P-256 keys, put into a real store through the Store API.
#pragma once

#include "storage/base/OpenSsl.hpp"
#include "storage/Store.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace certa::bench {

std::string name_of(std::size_t i);

// A certificate for `san` with `key`: self-signed, or issued by `issuer`
// (signed with `issuer_key`) when given.
ossl::X509Ptr make_cert(const std::string& san, EVP_PKEY* key, X509* issuer = nullptr, EVP_PKEY* issuer_key = nullptr);

// Puts a certificate for `name` (replacing `replaces` when set); returns its id.
std::int64_t put(storage::Store& store, const std::string& name, EVP_PKEY* key, const std::string& key_pem,
                 std::optional<std::int64_t> replaces = {});

struct KeyPool {
    std::vector<ossl::PKeyPtr> keys;
    std::vector<std::string> pems;
    EVP_PKEY* key(std::size_t i) const { return keys[i % keys.size()].get(); }
    const std::string& pem(std::size_t i) const { return pems[i % pems.size()]; }
};

KeyPool make_key_pool(std::size_t count);

// Fills `path` with n certificates unless it already holds exactly n; prints the fill rate.
void fill_store(const std::string& path, std::size_t n, const KeyPool& pool);

}  // namespace certa::bench
