#include "acme/challenge/dns/Rfc2136Client.hpp"

#include "acme/challenge/dns/DnsExchange.hpp"
#include "acme/challenge/dns/Rfc2136Error.hpp"

#include <spdlog/spdlog.h>

#include <new>

namespace certa::acme {
namespace {

constexpr std::uint16_t kFudge = 300;  // RFC 8945 §10: recommended fudge, seconds

// RFC 8945 §5.3 / RFC 2845 §2.3: the TSIG RR's error field.
std::string tsig_error_name(int error) {
    switch (error) {
        case 16: return "BADSIG";
        case 17: return "BADKEY";
        case 18: return "BADTIME";
        case 22: return "BADTRUNC";
        default: return "TSIG error " + std::to_string(error);
    }
}

// The TSIG RR's error field (rdata field 5: algorithm, time, fudge, MAC, original ID, error, other).
int tsig_error_of(const ldns_rr* tsig) {
    if (!tsig || ldns_rr_rd_count(tsig) < 6) return 0;
    const ldns_rdf* error = ldns_rr_rdf(tsig, 5);
    return error && ldns_rdf_size(error) == 2 ? ldns_rdf2native_int16(error) : 0;
}

}  // namespace

Rfc2136Client::Rfc2136Client(DnsResolver server, TsigKey key, std::chrono::milliseconds timeout)
    : server_(std::move(server)), key_(std::move(key)), timeout_(timeout) {}

void Rfc2136Client::add_txt(const std::string& zone, const std::string& fqdn, const std::string& value, int ttl) const {
    send(zone, fqdn + " " + std::to_string(ttl) + " IN TXT \"" + value + "\"", false);
}

void Rfc2136Client::remove_txt(const std::string& zone, const std::string& fqdn, const std::string& value) const {
    send(zone, fqdn + " 0 IN TXT \"" + value + "\"", true);
}

void Rfc2136Client::send(const std::string& zone, const std::string& rr_text, bool remove) const {
    const std::string what = std::string("dns update (") + (remove ? "remove " : "add ") + rr_text.substr(0, rr_text.find(' ')) +
                             " TXT in zone " + zone + ") at " + server_.to_string();
    ldns_rr* raw_rr = nullptr;
    if (ldns_rr_new_frm_str(&raw_rr, rr_text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK || !raw_rr)
        throw Rfc2136Error(what + ": cannot build the record", "bad record");
    ldns::Rr rr(raw_rr);
    if (remove) ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_NONE);  // RFC 2136 §2.5.4
    ldns::RrList updates(ldns_rr_list_new());
    if (!updates || !ldns_rr_list_push_rr(updates.get(), rr.get())) throw std::bad_alloc();
    rr.release();  // owned by the list now
    ldns_rdf* zone_rdf = ldns_dname_new_frm_str(zone.c_str());
    if (!zone_rdf) throw Rfc2136Error(what + ": not a zone name", "bad zone");
    // RFC 2136 §2.3: the zone section names the zone (type SOA); the packet takes zone_rdf.
    ldns::Pkt update(ldns_update_pkt_new(zone_rdf, LDNS_RR_CLASS_IN, nullptr, updates.get(), nullptr));
    if (!update) throw std::bad_alloc();
    ldns_pkt_set_rd(update.get(), false);
    ldns_pkt_set_random_id(update.get());
    if (ldns_pkt_tsig_sign(update.get(), key_.name.c_str(), key_.secret.c_str(), kFudge, key_.algorithm.c_str(),
                           nullptr) != LDNS_STATUS_OK)
        throw Rfc2136Error(what + ": cannot sign the update with key " + key_.name + " (" + key_.algorithm + ")",
                           "not signed");
    const ldns_rdf* request_mac = ldns_rr_rdf(ldns_pkt_tsig(update.get()), 3);

    DnsReply reply = dns_exchange(server_, update.get(), timeout_, true);  // throws DnsLookupError
    ldns_pkt* answer = reply.packet.get();
    const int rcode = ldns_pkt_get_rcode(answer);
    const int tsig_error = tsig_error_of(ldns_pkt_tsig(answer));
    if (rcode != LDNS_RCODE_NOERROR || tsig_error != 0) {
        std::string code = rcode_name(rcode);
        if (tsig_error != 0) code += "/" + tsig_error_name(tsig_error);
        std::string hint;
        if (tsig_error == 16) hint = " (wrong secret for key " + key_.name + ")";
        else if (tsig_error == 17) hint = " (the server does not know key " + key_.name + ")";
        else if (tsig_error == 18) hint = " (the clocks differ by more than " + std::to_string(kFudge) + " s)";
        else if (rcode == LDNS_RCODE_REFUSED) hint = " (key " + key_.name + " may not update this name)";
        else if (rcode == LDNS_RCODE_NOTAUTH || rcode == LDNS_RCODE_NOTZONE) hint = " (not the zone's primary?)";
        throw Rfc2136Error(what + " refused: " + code + hint, code);
    }
    // RFC 8945 §5.3: the answer must be signed with the same key.
    if (!ldns_pkt_tsig(answer))
        throw Rfc2136Error(what + ": the answer is not signed (TSIG missing)", "unsigned answer");
    if (!ldns_pkt_tsig_verify(answer, reply.wire.data(), reply.wire.size(), key_.name.c_str(), key_.secret.c_str(),
                              request_mac))
        throw Rfc2136Error(what + ": the answer's TSIG does not verify", "bad answer signature");
    spdlog::debug("{}: NOERROR", what);
}

}  // namespace certa::acme
