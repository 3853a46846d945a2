// A bounds-checked cursor over hostile bytes in TLS presentation language
// (RFC 8446 §3): every read fails instead of running past the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace certa::handshake {

class ByteReader {
public:
    explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
    bool empty() const { return pos_ == bytes_.size(); }
    std::optional<std::uint32_t> u8() { return number(1); }
    std::optional<std::uint32_t> u16() { return number(2); }
    std::optional<std::uint32_t> u24() { return number(3); }
    std::optional<std::span<const std::uint8_t>> take(std::size_t n) {
        if (bytes_.size() - pos_ < n) return std::nullopt;
        auto out = bytes_.subspan(pos_, n);
        pos_ += n;
        return out;
    }
    // A vector with a length prefix of `width` bytes.
    std::optional<std::span<const std::uint8_t>> vec(int width) {
        auto len = number(width);
        if (!len) return std::nullopt;
        return take(*len);
    }

private:
    std::optional<std::uint32_t> number(int width) {
        if (bytes_.size() - pos_ < static_cast<std::size_t>(width)) return std::nullopt;
        std::uint32_t v = 0;
        for (int i = 0; i < width; ++i) v = (v << 8) | bytes_[pos_++];
        return v;
    }
    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
};

}  // namespace certa::handshake
