// The BenchCertSet laid out as Caddy's file_system storage, for the
// `caddy-storage` peer: Caddy with on-demand TLS and its default cache
// (10,000 certificates), which loads a certificate from storage on a cache
// miss (certmagic 0.17 handshake.go: getCertDuringHandshake ->
// CacheManagedCertificate) before it asks anyone or calls a CA.
// Layout (certmagic 0.17 storage.go KeyBuilder, acmeissuer.go issuerKey):
//   ROOT/certificates/<issuer key>/<name>/<name>.crt  the leaf
//   ROOT/certificates/<issuer key>/<name>/<name>.key  its key (0600)
//   ROOT/certificates/<issuer key>/<name>/<name>.json {"sans":[name],...}
// where <issuer key> is derived from the ACME CA URL. Written once per cert
// set (DIR/N-kK/caddy-storage) and reused, like the other peers' files.
#pragma once

#include "BenchCertSet.hpp"

#include <string>

namespace certa::bench {

// The ACME directory the caddy-storage peer's issuer names. Nothing listens
// there: Caddy never contacts its CA for a certificate it finds in storage.
inline constexpr const char* caddy_storage_ca = "https://127.0.0.1:9/directory";

// certmagic's storage directory name for an ACME CA URL: host, then "-" and
// the path with '/' as '-', then KeyBuilder.Safe (':' -> '-', lowercase).
// "https://127.0.0.1:9/directory" -> "127.0.0.1-9-directory".
std::string caddy_issuer_key(const std::string& ca_url);

// Makes (or reuses) the storage tree for `certs`; returns its root.
std::string caddy_storage_root(const BenchCertSet& certs);

}  // namespace certa::bench
