#include "handshake/agent/PemBatch.hpp"

#include "handshake/agent/HeapTrim.hpp"

#include <openssl/crypto.h>

#include <cstring>
#include <stdexcept>

namespace certa::handshake {

PemBatch::PemBatch(std::size_t capacity)
    : data_(capacity ? std::make_unique_for_overwrite<char[]>(capacity) : nullptr), capacity_(capacity) {}

PemBatch::~PemBatch() {
    if (data_) OPENSSL_cleanse(data_.get(), size_);
    note_large_free(capacity_);
}

std::span<char> PemBatch::append(std::string_view text) {
    if (text.size() > capacity_ - size_) throw std::length_error("PemBatch: capacity exceeded");
    if (text.empty()) return {};
    char* at = data_.get() + size_;
    std::memcpy(at, text.data(), text.size());
    size_ += text.size();
    return {at, text.size()};
}

}  // namespace certa::handshake
