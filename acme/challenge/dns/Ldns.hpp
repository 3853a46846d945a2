// RAII for libldns handles (ldns_pkt, ldns_rr, ldns_rr_list, ldns_rdf,
// ldns_buffer and the wire bytes ldns allocates): every handle certa takes
// from ldns is owned by one of these, so no path frees one by hand.
#pragma once

// ldns/common.h #defines bool, true and false unless stdbool.h came first
// (which, in C++, only says they exist): that would break every later header.
#include <stdbool.h>
// Keep this order.
#include <ldns/ldns.h>

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace certa::acme::ldns {

struct PktFree {
    void operator()(ldns_pkt* p) const noexcept { ldns_pkt_free(p); }
};
struct RrFree {
    void operator()(ldns_rr* p) const noexcept { ldns_rr_free(p); }
};
struct RrListFree {
    void operator()(ldns_rr_list* p) const noexcept { ldns_rr_list_deep_free(p); }
};
struct RdfFree {
    void operator()(ldns_rdf* p) const noexcept { ldns_rdf_deep_free(p); }
};
struct BufferFree {
    void operator()(ldns_buffer* p) const noexcept { ldns_buffer_free(p); }
};
struct MallocFree {
    void operator()(void* p) const noexcept { std::free(p); }
};

using Pkt = std::unique_ptr<ldns_pkt, PktFree>;
using Rr = std::unique_ptr<ldns_rr, RrFree>;
using RrList = std::unique_ptr<ldns_rr_list, RrListFree>;
using Rdf = std::unique_ptr<ldns_rdf, RdfFree>;
using Buffer = std::unique_ptr<ldns_buffer, BufferFree>;
using Wire = std::unique_ptr<std::uint8_t, MallocFree>;
using Text = std::unique_ptr<char, MallocFree>;  // ldns_rdf2str and friends

}  // namespace certa::acme::ldns
