// PEM -> DER without OpenSSL's generic PEM reader. PEM_read_bio_* and the
// "PEM" decoder chain of OpenSSL 3 cost tens of microseconds per block on top
// of the DER decoding itself; the handshake path's parse on a cache miss (CertMaterial)
// base64-decodes the blocks here and hands DER to d2i / a DER decoder.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace certa::handshake {

// Finds the next "-----BEGIN <label>-----" ... "-----END <label>-----" block
// at or after `pos` and base64-decodes its body into `der` (RFC 7468 §2: no
// headers allowed, whitespace ignored). Moves `pos` past the block. False when
// there is no further block or its body is not base64; `der` is then empty.
// The caller cleanses `der` when it holds a secret.
bool next_pem_block(std::string_view pem, std::string_view label, std::size_t& pos, std::string& der);

}  // namespace certa::handshake
