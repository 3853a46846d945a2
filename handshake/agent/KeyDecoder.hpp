// Fast private-key parsing for the handshake path's lazy certificate entries.
// OpenSSL 3's generic PEM_read_bio_PrivateKey builds a decoder chain for every
// call (~600 us for a P-256 key on a loaded machine). Here a PKCS#8 PEM block is
// base64-decoded (PemDer) and fed to a per-thread DER decoder context for the
// key's algorithm, built once and reused: ~35 us for a P-256 key (a reused
// "PEM" decoder context took ~80 us, one without the key type ~75 us). Other
// encodings fall back to the generic path.
#pragma once

#include "storage/base/OpenSsl.hpp"

#include <string_view>

namespace certa::handshake {

// The OpenSSL key type a decoder is built for ("EC", "RSA"), or Any.
enum class KeyFamily { Ec, Rsa, Any };

// Parses a PEM private key (PKCS#8 fast, anything else via ossl::parse_key_pem).
// `family` is a hint from the store row; a wrong hint only costs speed.
// Null on failure. Thread-safe (decoder contexts are per thread).
ossl::PKeyPtr decode_private_key(std::string_view pem, KeyFamily family = KeyFamily::Any);

}  // namespace certa::handshake
