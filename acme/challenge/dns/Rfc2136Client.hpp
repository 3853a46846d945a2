// Adds and removes one TXT record by DNS UPDATE (RFC 2136) signed with a
// TSIG key (RFC 8945), over TCP to one server (the zone's primary). The
// answer must carry a TSIG that verifies with the same key; anything else
// is an Rfc2136Error naming the server's answer.
#pragma once

#include "acme/challenge/dns/DnsTxtLookup.hpp"
#include "acme/challenge/dns/TsigKey.hpp"

#include <chrono>
#include <string>

namespace certa::acme {

class Rfc2136Client {
public:
    Rfc2136Client(DnsResolver server, TsigKey key, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    const DnsResolver& server() const { return server_; }

    // RFC 2136 §2.5.1: add `fqdn TTL IN TXT "value"` to `zone`.
    void add_txt(const std::string& zone, const std::string& fqdn, const std::string& value, int ttl = 60) const;
    // RFC 2136 §2.5.4: delete exactly that RR (class NONE, TTL 0).
    void remove_txt(const std::string& zone, const std::string& fqdn, const std::string& value) const;

private:
    void send(const std::string& zone, const std::string& rr_text, bool remove) const;
    DnsResolver server_;
    TsigKey key_;
    std::chrono::milliseconds timeout_;
};

}  // namespace certa::acme
