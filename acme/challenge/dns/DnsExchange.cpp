#include "acme/challenge/dns/DnsExchange.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace certa::acme {
namespace {

socklen_t to_sockaddr(const DnsResolver& server, sockaddr_storage& ss) {
    std::memset(&ss, 0, sizeof ss);
    if (server.address.find(':') != std::string::npos) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(server.port);
        if (::inet_pton(AF_INET6, server.address.c_str(), &a->sin6_addr) != 1)
            throw DnsLookupError("not an IP address: " + server.address);
        return sizeof(sockaddr_in6);
    }
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(server.port);
    if (::inet_pton(AF_INET, server.address.c_str(), &a->sin_addr) != 1)
        throw DnsLookupError("not an IP address: " + server.address);
    return sizeof(sockaddr_in);
}

timeval to_timeval(std::chrono::milliseconds timeout) {
    timeout = std::max(timeout, std::chrono::milliseconds(100));
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    return tv;
}

}  // namespace

std::string rcode_name(int rcode) {
    switch (rcode) {
        case LDNS_RCODE_NOERROR: return "NOERROR";
        case LDNS_RCODE_FORMERR: return "FORMERR";
        case LDNS_RCODE_SERVFAIL: return "SERVFAIL";
        case LDNS_RCODE_NXDOMAIN: return "NXDOMAIN";
        case LDNS_RCODE_NOTIMPL: return "NOTIMP";
        case LDNS_RCODE_REFUSED: return "REFUSED";
        case LDNS_RCODE_YXDOMAIN: return "YXDOMAIN";
        case LDNS_RCODE_YXRRSET: return "YXRRSET";
        case LDNS_RCODE_NXRRSET: return "NXRRSET";
        case LDNS_RCODE_NOTAUTH: return "NOTAUTH";
        case LDNS_RCODE_NOTZONE: return "NOTZONE";
        default: return "RCODE " + std::to_string(rcode);
    }
}

std::string dname_text(const ldns_rdf* name) {
    if (!name) return {};
    ldns::Text text(ldns_rdf2str(name));
    std::string out = text ? text.get() : "";
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    if (out.empty() || out.back() != '.') out += '.';
    return out;
}

DnsReply dns_exchange(const DnsResolver& server, const ldns_pkt* query, std::chrono::milliseconds timeout,
                      bool tcp_only) {
    sockaddr_storage ss{};
    const socklen_t len = to_sockaddr(server, ss);
    ldns::Buffer qbin(ldns_buffer_new(LDNS_MAX_PACKETLEN));
    if (!qbin || ldns_pkt2buffer_wire(qbin.get(), query) != LDNS_STATUS_OK)
        throw DnsLookupError("cannot encode a DNS message for " + server.to_string());
    for (bool tcp : {tcp_only, bool{true}}) {
        std::uint8_t* raw = nullptr;
        std::size_t size = 0;
        const ldns_status status = tcp ? ldns_tcp_send(&raw, qbin.get(), &ss, len, to_timeval(timeout), &size)
                                       : ldns_udp_send(&raw, qbin.get(), &ss, len, to_timeval(timeout), &size);
        ldns::Wire wire(raw);
        if (status != LDNS_STATUS_OK || !wire) {
            const char* why = status != LDNS_STATUS_OK ? ldns_get_errorstr_by_id(status) : nullptr;
            throw DnsLookupError("no answer from DNS server " + server.to_string() + " (" +
                                 (why ? why : "empty answer") + ")");
        }
        ldns_pkt* parsed = nullptr;
        if (ldns_wire2pkt(&parsed, wire.get(), size) != LDNS_STATUS_OK || !parsed)
            throw DnsLookupError("malformed answer from DNS server " + server.to_string());
        DnsReply reply{ldns::Pkt(parsed), std::vector<std::uint8_t>(wire.get(), wire.get() + size)};
        if (ldns_pkt_id(reply.packet.get()) != ldns_pkt_id(query))
            throw DnsLookupError("answer with a wrong ID from DNS server " + server.to_string());
        if (!tcp && ldns_pkt_tc(reply.packet.get())) continue;  // RFC 1035 §4.2.1: truncated, retry over TCP
        return reply;
    }
    throw DnsLookupError("no answer from DNS server " + server.to_string());
}

DnsReply dns_query(const DnsResolver& server, const std::string& name, ldns_rr_type type,
                   std::chrono::milliseconds timeout) {
    ldns_rdf* owner = ldns_dname_new_frm_str(name.c_str());
    if (!owner) throw DnsLookupError("not a DNS name: " + name);
    ldns::Pkt query(ldns_pkt_query_new(owner, type, LDNS_RR_CLASS_IN, LDNS_RD));  // takes owner
    if (!query) throw DnsLookupError("cannot build a DNS query for " + name);
    ldns_pkt_set_random_id(query.get());
    DnsReply reply = dns_exchange(server, query.get(), timeout);
    const int rcode = ldns_pkt_get_rcode(reply.packet.get());
    if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN)
        throw DnsLookupError("DNS server " + server.to_string() + " answered " + rcode_name(rcode) + " for " + name);
    return reply;
}

}  // namespace certa::acme
