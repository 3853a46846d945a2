// TXT lookups through c-ares, for the dns-01 propagation check: one resolver
// per lookup object, so a caller can tell which resolver does not see a
// record yet. Each lookup owns its ares channel (RAII) and runs its own
// bounded poll() loop; separate objects may be used from separate threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace certa::acme {

struct DnsResolver {
    std::string address;     // IPv4 or IPv6 literal, without brackets
    std::uint16_t port = 53;
    bool operator==(const DnsResolver&) const = default;
    // "127.0.0.1:53", "[::1]:53"
    std::string to_string() const;
};

// "ADDR", "ADDR:PORT", "[V6]", "[V6]:PORT" or a bare IPv6 literal ("::1").
// Throws std::invalid_argument on anything else (host names included).
DnsResolver parse_dns_resolver(std::string_view text);
// The system's resolvers (/etc/resolv.conf, as c-ares reads it).
std::vector<DnsResolver> system_dns_resolvers();

// The lookup could not be answered (timeout, refused, SERVFAIL, ...).
class DnsLookupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class DnsTxtLookup {
public:
    explicit DnsTxtLookup(DnsResolver resolver);
    ~DnsTxtLookup();
    DnsTxtLookup(const DnsTxtLookup&) = delete;
    DnsTxtLookup& operator=(const DnsTxtLookup&) = delete;

    const DnsResolver& resolver() const { return resolver_; }
    // Every TXT record of `fqdn` (the character-strings of one record joined,
    // RFC 7208 §3.3 style). A name without TXT records (NXDOMAIN, NODATA)
    // gives an empty list; no answer within `timeout` or an error answer
    // throws DnsLookupError.
    std::vector<std::string> txt_records(const std::string& fqdn, std::chrono::milliseconds timeout);

private:
    struct Channel;
    DnsResolver resolver_;
    std::unique_ptr<Channel> channel_;
};

}  // namespace certa::acme
