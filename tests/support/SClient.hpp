// The real `openssl s_client` against a TLS server on 127.0.0.1, for tests
// that look at what a client sees (the OCSP staple with -status).
#pragma once

#include "Subprocess.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace certa::test {

// What `openssl s_client -connect 127.0.0.1:PORT -servername SNI [-status]`
// prints (stdout), stdin closed at once; bounded to 10 s.
inline std::string s_client_output(int port, const std::string& sni, bool status_request) {
    std::vector<std::string> argv{"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port),
                                  "-servername", sni};
    if (status_request) argv.push_back("-status");
    RunOptions o;
    o.timeout = std::chrono::seconds(10);
    return run(argv, o).out;
}

}  // namespace certa::test
