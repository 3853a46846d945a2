// A TSIG key (RFC 8945) read from a file certa never copies anywhere: the
// format BIND's `tsig-keygen` writes (and `nsupdate -k` reads),
//
//   key "certa-key" {
//       algorithm hmac-sha256;
//       secret "BASE64";
//   };
//
// or certbot's dns-rfc2136 credentials file (INI: dns_rfc2136_server,
// dns_rfc2136_port, dns_rfc2136_name, dns_rfc2136_secret,
// dns_rfc2136_algorithm), so that an imported certbot lineage keeps using
// its own file. The file must be a regular file of root or this user that
// no group or other can read (it holds the secret). Every error is a
// LocalFileError naming the path and the problem, never the secret.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace certa::acme {

struct TsigKey {
    std::string name;       // key name, absolute ("certa-key.")
    std::string algorithm;  // "hmac-sha256" or "hmac-sha512"
    std::string secret;     // base64, as in the file: handed only to ldns
};

// The server a certbot credentials file names (dns_rfc2136_server and
// dns_rfc2136_port); absent in BIND's format.
struct TsigKeyFile {
    TsigKey key;
    std::optional<std::string> server;
    std::uint16_t port = 53;
};

TsigKeyFile read_tsig_key_file(const std::string& path);

// Parses the text of a key file (either format); `path` only names it in errors.
TsigKeyFile parse_tsig_key_file(const std::string& text, const std::string& path);

}  // namespace certa::acme
