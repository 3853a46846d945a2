// An SSL ex_data slot that owns one heap T per connection: the SSL frees it
// with the connection, and SSL_dup gives the copy its own T. The one
// mechanism behind the per-connection records the agent keeps (its
// Selection, a paused ClientHello, a recorded ClientHello, the local
// address); `Tag` tells apart two slots of the same T.
#pragma once

#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include <memory>
#include <utility>

namespace certa::handshake {

template <typename T, typename Tag = T>
class SslSlot {
public:
    // Allocates the ex_data index (once per process; call before any handshake).
    static int index() {
        static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, &copy_on_dup, &free_on_free);
        return slot;
    }
    // The connection's T, or nullptr if none was set.
    static T* find(const SSL* ssl) { return static_cast<T*>(SSL_get_ex_data(ssl, index())); }
    // The connection's T, created on first use (nullptr if out of memory).
    static T* get_or_create(SSL* ssl) {
        if (T* existing = find(ssl)) return existing;
        return install(ssl, std::make_unique<T>());
    }
    // Replaces the connection's T with `value`; nullptr (and nothing changed) if out of memory.
    static T* set(SSL* ssl, T value) {
        std::unique_ptr<T> previous(find(ssl));
        T* now = install(ssl, std::make_unique<T>(std::move(value)));
        if (!now) (void)previous.release();  // still the SSL's
        return now;
    }

private:
    static T* install(SSL* ssl, std::unique_ptr<T> fresh) {
        if (SSL_set_ex_data(ssl, index(), fresh.get()) != 1) return nullptr;
        return fresh.release();  // owned by the SSL now (free_on_free)
    }
    static void free_on_free(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
        std::unique_ptr<T> owned(static_cast<T*>(ptr));
    }
    // `from_d` is the copy's pointer, still holding the original's value: give it its own T.
    static int copy_on_dup(CRYPTO_EX_DATA*, const CRYPTO_EX_DATA*, void** from_d, int, long, void*) {
        auto** held = reinterpret_cast<T**>(from_d);
        if (!*held) return 1;
        try {
            *held = new T(**held);
        } catch (...) {
            *held = nullptr;  // out of memory: the copy has none
        }
        return 1;
    }
};

}  // namespace certa::handshake
