#include "handshake/agent/OcspStapling.hpp"

#include "storage/ocsp/OcspAnswer.hpp"

#include <openssl/crypto.h>
#include <openssl/tls1.h>

#include <atomic>
#include <cstring>
#include <stdexcept>

namespace certa::handshake {

namespace {

// The slot's value: swapped atomically while handshakes read it.
using Holder = std::atomic<std::shared_ptr<const Staple>>;

void free_holder(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<Holder*>(ptr); }

// The X509 ex_data slot, allocated once (before any handshake: make_staple runs at load).
int slot() {
    static const int index = [] {
        const int i = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_X509, 0, nullptr, nullptr, nullptr, &free_holder);
        if (i < 0) throw std::runtime_error("cannot allocate the OCSP staple slot");
        return i;
    }();
    return index;
}

}  // namespace

std::shared_ptr<const Staple> make_staple(const storage::OcspStaple& stored, X509* leaf, X509* issuer) {
    if (stored.status != "good" || stored.der.empty() || !leaf || !issuer) return nullptr;
    // Never one for another certificate: the CertID must be this leaf's.
    const auto answer = storage::ocsp_answer_for(stored.der, leaf, issuer);
    if (!answer || answer->status != "good") return nullptr;
    auto staple = std::make_shared<Staple>();
    staple->certificate_id = stored.certificate_id;
    staple->der = stored.der;
    staple->this_update = answer->this_update;
    staple->next_update = answer->next_update;
    staple->refresh_at = storage::ocsp_refresh_time(answer->this_update, answer->next_update);
    return staple;
}

void attach_staple(X509* leaf, std::shared_ptr<const Staple> staple) {
    const int index = slot();
    delete static_cast<Holder*>(X509_get_ex_data(leaf, index));
    X509_set_ex_data(leaf, index, nullptr);
    if (!staple) return;
    auto* holder = new Holder(std::move(staple));
    if (X509_set_ex_data(leaf, index, holder) != 1) delete holder;
}

bool replace_staple(X509* leaf, std::shared_ptr<const Staple> staple) {
    auto* holder = leaf ? static_cast<Holder*>(X509_get_ex_data(leaf, slot())) : nullptr;
    if (!holder) return false;
    holder->store(std::move(staple));
    return true;
}

std::shared_ptr<const Staple> staple_of(const X509* leaf) {
    if (!leaf) return nullptr;
    const auto* holder = static_cast<const Holder*>(X509_get_ex_data(leaf, slot()));
    return holder ? holder->load() : nullptr;
}

StapleResult staple_response(SSL* ssl, storage::UnixTime now, std::int64_t& certificate_id) {
    const std::shared_ptr<const Staple> staple = staple_of(SSL_get_certificate(ssl));
    if (!staple) return StapleResult::None;
    certificate_id = staple->certificate_id;
    if (!storage::ocsp_answer_current(staple->this_update, staple->next_update, now)) return StapleResult::Expired;
    // OpenSSL takes over a buffer from OPENSSL_malloc.
    auto* copy = static_cast<unsigned char*>(OPENSSL_malloc(staple->der.size()));
    if (!copy) return StapleResult::None;
    std::memcpy(copy, staple->der.data(), staple->der.size());
    if (SSL_set_tlsext_status_ocsp_resp(ssl, copy, static_cast<long>(staple->der.size())) != 1) {
        OPENSSL_free(copy);
        return StapleResult::None;
    }
    return now >= staple->refresh_at ? StapleResult::Stale : StapleResult::Stapled;
}

}  // namespace certa::handshake
