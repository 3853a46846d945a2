// Server blocks for the nginx module tests.
#pragma once

#include <string>

namespace certa::test {

struct ServerBlock {
    int port = 0;
    std::string server_name = "_";
    std::string fallback_cert, fallback_key;  // the block's ssl_certificate
    bool certa = true;
    std::string default_name;                 // certa_default_name ("" none)
    std::string protocols = "TLSv1.2 TLSv1.3";
    std::string body = "certa-nginx";         // what location / returns
    std::string extra;                        // more directives
    bool default_server = true;
    bool http2 = false;
};

inline std::string server_block(const ServerBlock& b) {
    std::string s = "  server {\n    listen 127.0.0.1:" + std::to_string(b.port) + " ssl" +
                    (b.http2 ? " http2" : "") + (b.default_server ? " default_server" : "") + ";\n" +
                    "    server_name " + b.server_name + ";\n" +
                    "    ssl_protocols " + b.protocols + ";\n" +
                    "    ssl_certificate " + b.fallback_cert + ";\n" +
                    "    ssl_certificate_key " + b.fallback_key + ";\n";
    if (b.certa) s += "    certa on;\n";
    if (!b.default_name.empty()) s += "    certa_default_name " + b.default_name + ";\n";
    s += b.extra;
    s += "    location / { return 200 \"" + b.body + "\\n\"; }\n  }\n";
    return s;
}

}  // namespace certa::test
