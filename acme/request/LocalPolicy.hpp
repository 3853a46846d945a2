// What this host lets `certa renew` take from a certificate's recorded
// settings (issue 14: write access to the store is a trust boundary). The
// deploy hook and the dns hook become commands root runs; the dns update
// server and TSIG key file say where root sends a key's signature; export dirs and the
// webroot are where root writes; the CA bundle is a file root reads. A store
// only this user (or root) can write — a local SQLite file — is trusted like
// the user's own files. A shared store (PostgreSQL: any holder of its role
// can write it) is not: each such setting must also be allowed locally, in
// the allow file (default /etc/certa/allow), one per line:
//
//   deploy-hook systemctl reload nginx
//   dns-hook /usr/local/bin/dns-hook
//   dns-update 192.0.2.53:53
//   tsig-key-file /etc/certa/tsig.key
//   export-dir /etc/ssl/certa/www
//   webroot /var/www/html
//   ca-bundle /etc/ssl/private-ca.pem
//   deploy haproxy:/run/haproxy/admin.sock:/etc/haproxy/certs/www.pem
//   certbot-lineage www.example.com
//   haproxy-crt /etc/haproxy/certs/www.example.com.pem
//
// export-dir also covers a certbot layout's config dir (/etc/letsencrypt);
// certbot-lineage the lineage name renewals write under it (live/NAME,
// archive/NAME); deploy covers a `--deploy` target, spelled as recorded;
// haproxy-crt a certificate file HAProxy named itself (a `--deploy
// haproxy:SOCKET` target without CRT-PATH).
// The value is compared as written (after the keyword and one space).
// Blank lines and lines starting with '#' are ignored. The file must belong
// to root or the user and be writable by no one else.
#pragma once

#include "acme/request/IssueSettings.hpp"

#include <set>
#include <string>
#include <utility>

namespace certa::acme {

class LocalPolicy {
public:
    // Allows nothing that came from the store.
    LocalPolicy() = default;
    // The store is this user's own: every recorded setting is trusted.
    static LocalPolicy trust_store();
    // The allow file at `path`; a missing file allows nothing. Throws
    // LocalFileError when it cannot be read, is writable by another user, or
    // holds a line it does not understand (naming the line number).
    static LocalPolicy from_file(const std::string& path);

    // "" when `settings` may be used here; else one line naming the first
    // setting that is not allowed (never its value: a hook may carry a token).
    std::string refusal(const IssueSettings& settings) const;
    const std::string& source() const { return source_; }
    // Whether root may write the HAProxy certificate file `path` that HAProxy
    // itself named (it comes from neither the store nor the command line).
    bool allows_haproxy_crt(const std::string& path) const;

private:
    bool allowed(const std::string& kind, const std::string& value) const;
    bool trust_all_ = false;
    std::set<std::pair<std::string, std::string>> allowed_;
    std::string source_ = "no allow file";
};

}  // namespace certa::acme
