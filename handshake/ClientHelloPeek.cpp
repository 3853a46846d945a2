#include "handshake/ClientHelloPeek.hpp"

#include <algorithm>
#include <optional>

namespace certa::handshake {
namespace {

constexpr std::uint8_t kRecordHandshake = 22;    // RFC 8446 §5.1 ContentType.handshake
constexpr std::uint8_t kClientHello = 1;         // RFC 8446 §4 HandshakeType.client_hello
constexpr std::size_t kRecordHeader = 5;
constexpr std::size_t kMaxRecordPayload = 1 << 14;  // RFC 8446 §5.1: length MUST NOT exceed 2^14
constexpr std::uint16_t kExtServerName = 0;      // RFC 6066 §3
constexpr std::uint16_t kExtAlpn = 16;           // RFC 7301 §3.1

// A bounds-checked cursor over a byte range. Every read fails (returns
// nullopt / false) instead of running past the end.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
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
    // A vector with a length prefix of `width` bytes (TLS presentation language).
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

ClientHelloInfo invalid(const char* why) {
    ClientHelloInfo info;
    info.status = ClientHelloInfo::Status::Invalid;
    info.error = why;
    return info;
}

// RFC 6066 §3: ServerNameList; exactly one host_name is allowed.
bool parse_server_name(std::span<const std::uint8_t> data, std::string& sni) {
    Reader r(data);
    auto list = r.vec(2);
    if (!list || !r.empty() || list->empty()) return false;
    Reader entries(*list);
    bool seen_host = false;
    while (!entries.empty()) {
        auto type = entries.u8();
        auto name = entries.vec(2);
        if (!type || !name) return false;
        if (*type != 0) continue;  // unknown name types are skipped
        if (seen_host || name->empty()) return false;
        seen_host = true;
        sni.assign(name->begin(), name->end());
    }
    return true;
}

// RFC 7301 §3.1: ProtocolNameList<2..2^16-1>, each ProtocolName<1..2^8-1>.
bool parse_alpn(std::span<const std::uint8_t> data, std::vector<std::string>& alpn) {
    Reader r(data);
    auto list = r.vec(2);
    if (!list || !r.empty() || list->empty()) return false;
    Reader names(*list);
    while (!names.empty()) {
        auto name = names.vec(1);
        if (!name || name->empty()) return false;
        alpn.emplace_back(name->begin(), name->end());
    }
    return true;
}

ClientHelloInfo parse_body(std::span<const std::uint8_t> body) {
    Reader r(body);
    ClientHelloInfo info;
    if (!r.u16() || !r.take(32)) return invalid("truncated ClientHello header");  // version, random
    auto session_id = r.vec(1);
    if (!session_id || session_id->size() > 32) return invalid("bad legacy_session_id");
    auto suites = r.vec(2);
    if (!suites || suites->empty() || suites->size() % 2 != 0) return invalid("bad cipher_suites");
    auto compression = r.vec(1);
    if (!compression || compression->empty()) return invalid("bad compression_methods");
    if (r.empty()) {  // no extensions at all (TLS 1.2 allows it)
        info.status = ClientHelloInfo::Status::Complete;
        return info;
    }
    auto extensions = r.vec(2);
    if (!extensions || !r.empty()) return invalid("bad extensions block");
    Reader ext(*extensions);
    std::vector<std::uint16_t> seen;
    while (!ext.empty()) {
        auto type = ext.u16();
        auto data = ext.vec(2);
        if (!type || !data) return invalid("truncated extension");
        auto t = static_cast<std::uint16_t>(*type);
        // RFC 8446 §4.2: no more than one extension of the same type.
        if (std::find(seen.begin(), seen.end(), t) != seen.end()) return invalid("duplicate extension");
        seen.push_back(t);
        if (t == kExtServerName && !parse_server_name(*data, info.sni)) return invalid("bad server_name");
        if (t == kExtAlpn && !parse_alpn(*data, info.alpn)) return invalid("bad ALPN");
    }
    info.status = ClientHelloInfo::Status::Complete;
    return info;
}

}  // namespace

bool ClientHelloInfo::offers(const std::string& protocol) const {
    return std::find(alpn.begin(), alpn.end(), protocol) != alpn.end();
}

ClientHelloInfo parse_client_hello(std::span<const std::uint8_t> bytes) {
    if (bytes.size() > kMaxPeekBytes) bytes = bytes.first(kMaxPeekBytes);
    // RFC 8446 §5.1: a handshake message may be fragmented over several
    // records; reassemble the fragments (bounded by kMaxPeekBytes in total).
    std::vector<std::uint8_t> message;
    std::size_t pos = 0;
    bool more_records = true;
    while (true) {
        if (message.size() >= 4) {
            if (message[0] != kClientHello) return invalid("first handshake message is not a ClientHello");
            std::size_t body_len = (std::size_t{message[1]} << 16) | (std::size_t{message[2]} << 8) | message[3];
            if (body_len + 4 > kMaxPeekBytes) return invalid("ClientHello too large");
            if (message.size() >= body_len + 4) {
                // Bytes after the ClientHello (in the same record) are not ours to judge.
                return parse_body(std::span<const std::uint8_t>(message).subspan(4, body_len));
            }
        }
        std::size_t left = bytes.size() - pos;
        if (left > 0 && bytes[pos] != kRecordHandshake) return invalid("not a TLS handshake record");
        if (left > 1 && bytes[pos + 1] != 3) return invalid("bad record version");
        if (!more_records || left < kRecordHeader) {
            if (bytes.size() >= kMaxPeekBytes) return invalid("ClientHello too large");
            return ClientHelloInfo{};  // NeedMore
        }
        std::size_t len = (std::size_t{bytes[pos + 3]} << 8) | bytes[pos + 4];
        // RFC 8446 §5.1: zero-length handshake fragments MUST NOT be sent.
        if (len == 0 || len > kMaxRecordPayload) return invalid("bad record length");
        std::size_t available = std::min(len, left - kRecordHeader);
        auto payload = bytes.subspan(pos + kRecordHeader, available);
        message.insert(message.end(), payload.begin(), payload.end());
        more_records = available == len;  // a partial record ends the input
        pos += kRecordHeader + available;
    }
}

}  // namespace certa::handshake
