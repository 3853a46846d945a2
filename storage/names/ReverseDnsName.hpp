// RFC 8738 §6: an IP identifier's tls-alpn-01 SNI is its reverse-DNS name
// ("4.3.2.1.in-addr.arpa", RFC 1035 §3.5; 32 nibbles then "ip6.arpa",
// RFC 3596 §2.5). Both directions, for the ACME client and the agent.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace certa::storage {

// The reverse-DNS name of a canonical IP text ("" when `ip` is not one).
std::string reverse_dns_name(std::string_view ip);

// The canonical IP text a reverse-DNS name stands for; `name` must already be
// normalized (lowercase, no trailing dot). nullopt when it is not such a name.
std::optional<std::string> ip_from_reverse_name(std::string_view name);

}  // namespace certa::storage
