// One DNS request and its answer, over UDP (TCP when the answer is
// truncated, or always for RFC 2136 updates), with libldns on the wire, to
// one server with a bounded timeout. The answer's wire bytes are kept next to
// the parsed packet because a TSIG check (RFC 8945 §5.3) needs both.
#pragma once

#include "acme/challenge/dns/DnsTxtLookup.hpp"
#include "acme/challenge/dns/Ldns.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace certa::acme {

struct DnsReply {
    ldns::Pkt packet;
    std::vector<std::uint8_t> wire;
};

// Sends `query` (already signed when it is to be) to `server`; throws
// DnsLookupError naming the server when nothing usable comes back in time.
DnsReply dns_exchange(const DnsResolver& server, const ldns_pkt* query, std::chrono::milliseconds timeout,
                      bool tcp_only = false);

// A plain query (RD set) for NAME/TYPE; throws DnsLookupError on no answer
// or an RCODE other than NOERROR / NXDOMAIN.
DnsReply dns_query(const DnsResolver& server, const std::string& name, ldns_rr_type type,
                   std::chrono::milliseconds timeout);

// "NOTAUTH", "REFUSED", ... (RFC 1035 §4.1.1, RFC 2136 §2.2), or "RCODE n".
std::string rcode_name(int rcode);

// Lowercase presentation form of an ldns name, with its trailing dot.
std::string dname_text(const ldns_rdf* name);

}  // namespace certa::acme
