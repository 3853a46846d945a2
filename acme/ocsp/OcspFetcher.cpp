#include "acme/ocsp/OcspFetcher.hpp"

#include "acme/ocsp/OcspError.hpp"

#include <openssl/evp.h>

#include <cctype>

namespace certa::acme {

namespace {

// Standard base64 (RFC 4648 §4, with padding), as RFC 5019 §5 asks for.
std::string base64(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// RFC 3986 §2.1: everything but unreserved characters percent-encoded ('+', '/', '=' included).
std::string url_encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace

std::string ocsp_get_url(const std::string& responder, const std::string& request_der) {
    std::string url = responder;
    if (url.empty() || url.back() != '/') url += '/';
    url += url_encode(base64(request_der));
    return url.size() < 255 ? url : std::string();
}

std::string fetch_ocsp_response(HttpClient& http, const std::string& responder, const std::string& request_der) {
    HttpResponse response;
    try {
        const std::string get_url = ocsp_get_url(responder, request_der);
        response = get_url.empty() ? http.post(responder, request_der, "application/ocsp-request")
                                   : http.get(get_url);
    } catch (const HttpError& e) {
        throw OcspError(std::string("OCSP responder unreachable: ") + e.what());
    }
    if (response.status != 200)
        throw OcspError("OCSP responder " + responder + " answered HTTP " + std::to_string(response.status));
    if (response.body.empty()) throw OcspError("OCSP responder " + responder + " sent an empty response");
    return response.body;
}

}  // namespace certa::acme
