// Where certa may write a certificate and key file for HAProxy when the
// --deploy target names no CRT-PATH and the path comes from HAProxy's own
// `show ssl cert` answer. An answer is not a trust boundary certa crosses
// as root: the path must be one HAProxy's configuration already points to,
//   - absolute, lexically normal, plain printable characters;
//   - in an existing directory (certa creates none for it) that is the
//     directory of one of HAProxy's crt-lists (`show ssl crt-list`: a list
//     file's directory, or a listed directory), or below it;
//   - that directory belongs to root or the user and no one else can write
//     it, so a socket that answers with its own crt-list in /tmp is refused;
//   - and, when the store is shared (LocalPolicy from the allow file), named
//     by an allow file line `haproxy-crt PATH`.
#pragma once

#include "acme/request/LocalPolicy.hpp"

#include <string>
#include <vector>

namespace certa::acme {

// Throws HaproxyError naming the path and the rule it breaks.
void check_discovered_crt_path(const std::string& path, const std::vector<std::string>& crt_lists,
                               const LocalPolicy& policy);

}  // namespace certa::acme
