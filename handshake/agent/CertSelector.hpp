// Chooses the certificate for one (normalized) name from a snapshot's index,
// following certmagic's DefaultCertificateSelector:
//   candidates: exact name (newest first), then the wildcard that replaces the
//   left-most label (RFC 6125 §6.4.3; DNS names only);
//   1) the first the client supports that is currently valid,
//   2) else the first the client supports (expired or not yet valid),
//   3) else the first;
//   in 1) and 2), per name, ECDSA before RSA when the client lists signature
//   algorithms (a dual-key name gives RSA only to clients without ECDSA).
// Candidates whose material cannot be had (MaterialCache::get: a broken
// row, or a store that cannot be read now) are skipped at every step.
// With MissHandling::may_pause, the candidate it would choose that is not held
// parsed stops the selection instead: its load runs on the loader threads and
// `pending` says what to wait for (never a worse candidate meanwhile).
#pragma once

#include "handshake/agent/CertIndex.hpp"
#include "handshake/agent/MaterialCache.hpp"
#include "handshake/hello/ClientHelloReader.hpp"
#include "storage/StoreTypes.hpp"

#include <memory>
#include <optional>
#include <string>

namespace certa::handshake {

struct CertChoice {
    IndexRecord record;
    std::string matched_name;                     // "example.com" or "*.example.com"
    std::shared_ptr<const CertMaterial> material;  // the record's parsed material (never null)
};

// How a candidate not held parsed is handled (no MissHandling: loaded on this thread, counted).
struct MissHandling {
    // Start its load on the loader pool and stop the selection with `pending` set.
    bool may_pause = false;
    // Count hits and misses (false when a paused ClientHello runs again: counted once already).
    bool counted = true;
    MaterialCache::FlightPtr pending;  // out: the load to wait for (may_pause only)
};

// Whether a client that sent `hello` can verify a signature made with `algorithm`.
bool client_supports(KeyAlgorithm algorithm, const ClientHelloInfo& hello);

// `name` must come from normalize_server_name (or be a canonical IP);
// `is_dns` enables the wildcard step. nullopt: nothing to serve, or (miss->pending set) paused.
std::optional<CertChoice> select_certificate(const CertIndex& index, const std::string& name,
                                             bool is_dns, const ClientHelloInfo& hello,
                                             storage::UnixTime now, MaterialCache& cache,
                                             MissHandling* miss = nullptr);

}  // namespace certa::handshake
