// Fuzz target: PemBatch (handshake/agent), the one block an index load's PEM
// text is copied into, and the CertEntry parse that reads it back.
// Input: two bytes of capacity, then pieces separated by "\n--8<--\n".
// Properties: append() fits a piece exactly when the pieces so far leave
// room (else std::length_error and nothing changes), each returned span holds
// the piece's bytes, spans never overlap and stay valid while later pieces
// are appended. The first two pieces then go through a CertEntry (chain,
// key) as an index load would: any bytes may be refused, never crash.
#include "handshake/agent/CertEntry.hpp"
#include "handshake/agent/PemBatch.hpp"

#include "FuzzCheck.hpp"

#include <openssl/err.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using namespace certa;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t capacity = (static_cast<std::size_t>(data[0]) << 8 | data[1]) % 8192;
    std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
    std::vector<std::string_view> pieces;
    constexpr std::string_view cut = "\n--8<--\n";
    for (std::size_t at; (at = rest.find(cut)) != std::string_view::npos && pieces.size() < 64;) {
        pieces.push_back(rest.substr(0, at));
        rest.remove_prefix(at + cut.size());
    }
    pieces.push_back(rest);

    auto batch = std::make_shared<handshake::PemBatch>(capacity);
    std::vector<std::pair<std::span<char>, std::string_view>> kept;
    std::size_t used = 0;
    for (std::string_view piece : pieces) {
        bool threw = false;
        std::span<char> span;
        try {
            span = batch->append(piece);
        } catch (const std::length_error&) {
            threw = true;
        }
        FUZZ_CHECK(threw == (piece.size() > capacity - used));
        if (threw) continue;
        FUZZ_CHECK(span.size() == piece.size());
        if (!piece.empty()) FUZZ_CHECK(std::memcmp(span.data(), piece.data(), piece.size()) == 0);
        used += piece.size();
        kept.emplace_back(span, piece);
    }
    for (const auto& [span, piece] : kept)  // earlier spans untouched by later appends
        FUZZ_CHECK(std::string_view(span.data(), span.size()) == piece);

    if (pieces.size() >= 2) {
        storage::IndexRow row;
        row.id = 7;
        row.names = {"www.example.com"};
        row.key_type = "ec256";
        row.chain_pem.assign(pieces[0]);
        row.key_pem.assign(pieces[1]);
        row.not_after = 1;
        auto shared = std::make_shared<handshake::PemBatch>(row.chain_pem.size() + row.key_pem.size());
        const handshake::CertEntry entry(std::move(row), nullptr, shared);
        const auto material = entry.material();
        if (material) FUZZ_CHECK(material->leaf != nullptr && material->key != nullptr);
        FUZZ_CHECK(entry.names() == std::vector<std::string>{"www.example.com"});
        ERR_clear_error();
    }
    return 0;
}
