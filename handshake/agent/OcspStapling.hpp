// OCSP stapling at handshake time (RFC 6066 §8, RFC 8446 §4.4.2.1): the
// stored response of a certificate travels with its parsed leaf (an X509
// ex_data slot holding a shared Staple), so that whatever set the leaf on the
// SSL (the agent's ClientHello callback, or select_for_host in a host such as
// nginx) also decides the staple, and an evicted certificate's staple lives
// exactly as long as an SSL still uses its leaf.
//
// A staple is attached at load only when the stored response answers "good"
// for THIS certificate (storage/ocsp/OcspAnswer: CertID of leaf and issuer);
// its signature was checked by the ACME side before it was stored. At
// handshake time an expired response (nextUpdate passed) is never stapled.
// A newer stored response replaces a cached leaf's staple in place
// (replace_staple: the slot holds it atomically), without a re-parse.
#pragma once

#include "storage/StoreTypes.hpp"

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace certa::handshake {

struct Staple {
    std::int64_t certificate_id = 0;
    std::string der;  // the OCSPResponse
    storage::UnixTime this_update = 0;
    storage::UnixTime next_update = 0;
    storage::UnixTime refresh_at = 0;  // half-way through its validity: stale after this
};

// The staple for `leaf` (issued by `issuer`) from its stored OCSP row, or
// null when the row holds no "good" answer for this very certificate.
std::shared_ptr<const Staple> make_staple(const storage::OcspStaple& stored, X509* leaf, X509* issuer);

// Attaches `staple` to `leaf` (replacing any); the leaf owns a reference.
// Only while no handshake can see `leaf` (at load, before it is cached).
void attach_staple(X509* leaf, std::shared_ptr<const Staple> staple);
// Swaps the staple of a leaf that handshakes may be using right now (a newer
// stored response: null takes it away). False, and nothing changed, when
// the leaf never had one attached (then only a fresh load can add one).
bool replace_staple(X509* leaf, std::shared_ptr<const Staple> staple);
// The staple attached to `leaf`, or null.
std::shared_ptr<const Staple> staple_of(const X509* leaf);

enum class StapleResult {
    None,     // nothing attached to the served leaf (no OCSP URL, not fetched yet, not good)
    Expired,  // attached but past nextUpdate: not stapled
    Stapled,  // stapled, fresh
    Stale,    // stapled, but past half its validity: a refresh is due
};

// From a server status callback: staples the response of the leaf set on
// `ssl`, if any and current at `now`. `certificate_id` is set when a staple
// was attached (for a refresh request).
StapleResult staple_response(SSL* ssl, storage::UnixTime now, std::int64_t& certificate_id);

}  // namespace certa::handshake
