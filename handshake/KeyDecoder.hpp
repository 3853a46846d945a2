// Fast private-key parsing for the handshake path's lazy certificate entries.
// OpenSSL 3's generic PEM_read_bio_PrivateKey builds a decoder chain for every
// call (~1.7 ms for a P-256 key on a loaded machine); a per-thread decoder
// context for PKCS#8 PEM, built once and reused, decodes the same key in
// about a tenth of that. Other encodings fall back to the generic path.
#pragma once

#include "storage/OpenSsl.hpp"

#include <string_view>

namespace certa::handshake {

// Parses a PEM private key (PKCS#8 fast, anything else via ossl::parse_key_pem).
// Null on failure. Thread-safe (one decoder context per thread).
ossl::PKeyPtr decode_private_key(std::string_view pem);

}  // namespace certa::handshake
