// The PEM text (chains and private keys) of the rows one index load adds, in
// ONE allocation that the new entries share until each has parsed its own.
//
// Per-entry strings would leave a ~750-byte hole between live index objects
// for every certificate once parsed: free to the allocator but not to the
// kernel, so it stays in the process's RSS. One block is freed whole when its
// last entry lets go (a large block goes straight back to the kernel).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

namespace certa::handshake {

class PemBatch {
public:
    explicit PemBatch(std::size_t capacity);
    ~PemBatch();  // cleanses the whole block: it holds private keys
    PemBatch(const PemBatch&) = delete;
    PemBatch& operator=(const PemBatch&) = delete;

    // Copies `text` into the block; the span stays valid as long as the batch.
    // Throws std::length_error when it does not fit in the capacity.
    std::span<char> append(std::string_view text);

private:
    std::unique_ptr<char[]> data_;
    std::size_t capacity_;
    std::size_t size_ = 0;
};

}  // namespace certa::handshake
