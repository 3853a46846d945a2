#include "acme/challenge/dns/DnsZoneLookup.hpp"

#include "acme/challenge/dns/DnsExchange.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace certa::acme {
namespace {

std::string absolute(std::string name) {
    if (name.empty() || name.back() != '.') name += '.';
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    return name;
}

// The first RR of `type` owned by `owner` in `list`, or null.
const ldns_rr* find_rr(const ldns_rr_list* list, const std::string& owner, ldns_rr_type type) {
    for (std::size_t i = 0; list && i < ldns_rr_list_rr_count(list); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(list, i);
        if (ldns_rr_get_type(rr) == type && dname_text(ldns_rr_owner(rr)) == owner) return rr;
    }
    return nullptr;
}

std::string rdf_text(const ldns_rr* rr, std::size_t index) {
    return rr && ldns_rr_rd_count(rr) > index ? dname_text(ldns_rr_rdf(rr, index)) : std::string();
}

}  // namespace

DnsZoneLookup::DnsZoneLookup(DnsResolver resolver, std::chrono::milliseconds timeout)
    : resolver_(std::move(resolver)), timeout_(timeout) {}

std::string DnsZoneLookup::follow_cname(const std::string& fqdn) const {
    const std::string start = absolute(fqdn);
    std::set<std::string> seen{start};
    std::string name = start;
    for (int links = 0;; ++links) {
        const DnsReply reply = dns_query(resolver_, name, LDNS_RR_TYPE_CNAME, timeout_);
        const std::string target = rdf_text(find_rr(ldns_pkt_answer(reply.packet.get()), name, LDNS_RR_TYPE_CNAME), 0);
        if (target.empty()) return name;
        if (!seen.insert(target).second)
            throw DnsCnameError("dns-01: the CNAME chain from " + start + " loops at " + target);
        if (links + 1 > kMaxCnameChain)
            throw DnsCnameError("dns-01: the CNAME chain from " + start + " is longer than " +
                                std::to_string(kMaxCnameChain) + " links");
        name = target;
    }
}

DnsZone DnsZoneLookup::find_zone(const std::string& fqdn) const {
    std::string name = absolute(fqdn);
    // One query per label at most (a name has fewer than 128).
    for (int round = 0; round < 128 && !name.empty(); ++round) {
        const DnsReply reply = dns_query(resolver_, name, LDNS_RR_TYPE_SOA, timeout_);
        std::string zone;
        if (find_rr(ldns_pkt_answer(reply.packet.get()), name, LDNS_RR_TYPE_SOA)) {
            zone = name;
        } else {
            // RFC 2308 §2.1-2.2: a negative answer carries its zone's SOA.
            const ldns_rr_list* authority = ldns_pkt_authority(reply.packet.get());
            for (std::size_t i = 0; authority && i < ldns_rr_list_rr_count(authority) && zone.empty(); ++i)
                if (ldns_rr_get_type(ldns_rr_list_rr(authority, i)) == LDNS_RR_TYPE_SOA)
                    zone = dname_text(ldns_rr_owner(ldns_rr_list_rr(authority, i)));
        }
        if (!zone.empty()) {
            DnsZone out{zone, {}};
            const DnsReply ns = dns_query(resolver_, zone, LDNS_RR_TYPE_NS, timeout_);
            const ldns_rr_list* answer = ldns_pkt_answer(ns.packet.get());
            for (std::size_t i = 0; answer && i < ldns_rr_list_rr_count(answer); ++i)
                if (ldns_rr_get_type(ldns_rr_list_rr(answer, i)) == LDNS_RR_TYPE_NS)
                    out.nameservers.push_back(rdf_text(ldns_rr_list_rr(answer, i), 0));
            return out;
        }
        const auto dot = name.find('.');
        name = dot + 1 < name.size() ? name.substr(dot + 1) : std::string();
    }
    throw DnsLookupError("no SOA record found for " + absolute(fqdn) + " at " + resolver_.to_string());
}

std::vector<DnsResolver> DnsZoneLookup::server_addresses(const DnsZone& zone, std::uint16_t port) const {
    std::vector<DnsResolver> out;
    for (const auto& host : zone.nameservers) {
        for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA}) {
            const DnsReply reply = dns_query(resolver_, host, type, timeout_);
            const ldns_rr_list* answer = ldns_pkt_answer(reply.packet.get());
            for (std::size_t i = 0; answer && i < ldns_rr_list_rr_count(answer); ++i) {
                const ldns_rr* rr = ldns_rr_list_rr(answer, i);
                if (ldns_rr_get_type(rr) != type || ldns_rr_rd_count(rr) < 1) continue;
                ldns::Text text(ldns_rdf2str(ldns_rr_rdf(rr, 0)));
                if (!text) continue;
                DnsResolver r{text.get(), port};
                if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(std::move(r));
            }
        }
    }
    return out;
}

}  // namespace certa::acme
