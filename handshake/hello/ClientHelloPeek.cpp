#include "handshake/hello/ClientHelloPeek.hpp"

#include "handshake/hello/ByteReader.hpp"
#include "handshake/hello/ClientHelloExtensions.hpp"

#include <algorithm>
#include <bitset>
#include <vector>

namespace certa::handshake {
namespace {

constexpr std::uint8_t kRecordHandshake = 22;    // RFC 8446 §5.1 ContentType.handshake
constexpr std::uint8_t kClientHello = 1;         // RFC 8446 §4 HandshakeType.client_hello
constexpr std::size_t kRecordHeader = 5;
constexpr std::size_t kMaxRecordPayload = 1 << 14;  // RFC 8446 §5.1: length MUST NOT exceed 2^14

PeekedClientHello invalid(const char* why) {
    PeekedClientHello info;
    info.status = PeekedClientHello::Status::Invalid;
    info.error = why;
    return info;
}

PeekedClientHello parse_body(std::span<const std::uint8_t> body) {
    ByteReader r(body);
    PeekedClientHello info;
    if (!r.u16() || !r.take(32)) return invalid("truncated ClientHello header");  // version, random
    auto session_id = r.vec(1);
    if (!session_id || session_id->size() > 32) return invalid("bad legacy_session_id");
    auto suites = r.vec(2);
    if (!suites || suites->empty() || suites->size() % 2 != 0) return invalid("bad cipher_suites");
    auto compression = r.vec(1);
    if (!compression || compression->empty()) return invalid("bad compression_methods");
    if (r.empty()) {  // no extensions at all (TLS 1.2 allows it)
        info.status = PeekedClientHello::Status::Complete;
        return info;
    }
    auto extensions = r.vec(2);
    if (!extensions || !r.empty()) return invalid("bad extensions block");
    ByteReader ext(*extensions);
    // RFC 8446 §4.2: no more than one extension of the same type. One bit per
    // type keeps the check linear in the number of extensions.
    std::bitset<65536> seen;
    while (!ext.empty()) {
        auto type = ext.u16();
        auto data = ext.vec(2);
        if (!type || !data) return invalid("truncated extension");
        auto t = static_cast<std::uint16_t>(*type);
        if (seen.test(t)) return invalid("duplicate extension");
        seen.set(t);
        parse_extension(t, *data, info);
        if (info.sni_malformed) return invalid("bad server_name");
        if (info.alpn_malformed) return invalid("bad ALPN");
    }
    info.status = PeekedClientHello::Status::Complete;
    return info;
}

}  // namespace

PeekedClientHello parse_client_hello(std::span<const std::uint8_t> bytes) {
    if (bytes.size() > kMaxPeekBytes) bytes = bytes.first(kMaxPeekBytes);
    // RFC 8446 §5.1: a handshake message may be fragmented over several
    // records; reassemble the fragments (bounded by kMaxPeekBytes in total).
    std::vector<std::uint8_t> message;
    std::size_t pos = 0;
    std::size_t record_end = 0;  // where the last record read ends (its header says)
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
            PeekedClientHello need_more;  // NeedMore
            need_more.need = std::min(more_records ? pos + kRecordHeader : record_end, kMaxPeekBytes);
            return need_more;
        }
        std::size_t len = (std::size_t{bytes[pos + 3]} << 8) | bytes[pos + 4];
        // RFC 8446 §5.1: zero-length handshake fragments MUST NOT be sent.
        if (len == 0 || len > kMaxRecordPayload) return invalid("bad record length");
        std::size_t available = std::min(len, left - kRecordHeader);
        auto payload = bytes.subspan(pos + kRecordHeader, available);
        message.insert(message.end(), payload.begin(), payload.end());
        more_records = available == len;  // a partial record ends the input
        record_end = pos + kRecordHeader + len;
        pos += kRecordHeader + available;
    }
}

}  // namespace certa::handshake
