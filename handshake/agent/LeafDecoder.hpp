// Decodes a leaf certificate so that it shares its private key's EVP_PKEY.
//
// d2i_X509 in OpenSSL 3.0 decodes the SubjectPublicKeyInfo into its own
// EVP_PKEY: for P-256 that is about 2.1 KB (the key carries its own copy of the
// curve group) and ~100 us (a decoder chain is built for every call). A served
// leaf also needs its private key, which holds the same public key again. Here
// the certificate is decoded while the thread's default library context has
// no providers, so that its public key is left undecoded, and then
// X509_set_pubkey() installs the private key as the certificate's public key.
// The certificate's bytes are untouched (the TBS encoding is cached from the
// DER); what is installed is checked to encode to the very same
// SubjectPublicKeyInfo, so a key that does not match is refused.
#pragma once

#include "storage/base/OpenSsl.hpp"

#include <string_view>

namespace certa::handshake {

// The certificate in `der` (one whole DER X.509 certificate) with `key` as its
// public key, or null when the DER does not decode, has trailing bytes, or its
// SubjectPublicKeyInfo is not the encoding of `key`'s public half (a different
// key, or the same key encoded another way, e.g. a compressed point: callers
// then fall back to a plain d2i_X509 and ossl::key_matches). Thread-safe.
ossl::X509Ptr decode_leaf_sharing_key(std::string_view der, EVP_PKEY* key);

}  // namespace certa::handshake
