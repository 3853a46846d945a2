// The lookups dns-01 needs before it writes a record, asked of one resolver
// with libldns: where `_acme-challenge.NAME` really points (its CNAME chain,
// which validators follow: this lets a name whose DNS has no API delegate
// its challenges to a zone that takes updates), the zone that holds a name
// (the SOA lookup), and that zone's authoritative servers (NS, then A/AAAA).
#pragma once

#include "acme/challenge/dns/DnsTxtLookup.hpp"

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace certa::acme {

inline constexpr int kMaxCnameChain = 8;

// A CNAME loop, or a chain longer than kMaxCnameChain. what() names the start.
class DnsCnameError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct DnsZone {
    std::string name;                      // "example.com." (lowercase, absolute)
    std::vector<std::string> nameservers;  // its NS targets
};

class DnsZoneLookup {
public:
    explicit DnsZoneLookup(DnsResolver resolver, std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
    const DnsResolver& resolver() const { return resolver_; }

    // The end of the CNAME chain that starts at `fqdn` (`fqdn` itself when it
    // is no CNAME). Throws DnsCnameError on a loop or more than 8 links,
    // DnsLookupError when the resolver does not answer.
    std::string follow_cname(const std::string& fqdn) const;
    // The zone `fqdn` belongs to: the closest enclosing name with an SOA
    // (or the SOA an NXDOMAIN / NODATA answer carries). Throws DnsLookupError.
    DnsZone find_zone(const std::string& fqdn) const;
    // The addresses of the zone's name servers, each on `port` (the port
    // the update server listens on: 53 unless given).
    std::vector<DnsResolver> server_addresses(const DnsZone& zone, std::uint16_t port) const;

private:
    DnsResolver resolver_;
    std::chrono::milliseconds timeout_;
};

}  // namespace certa::acme
