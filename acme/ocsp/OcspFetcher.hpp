// Sends one OCSP request to its responder over HTTP (RFC 6960 Appendix A,
// RFC 5019 §5): GET with the base64 of the DER request, URL-encoded, appended
// to the URL when that URL stays under 255 bytes, else POST with
// application/ocsp-request. Returns the response body (DER), unchecked.
#pragma once

#include "acme/protocol/HttpClient.hpp"

#include <string>

namespace certa::acme {

// The GET URL for `request_der` at `responder`, or "" when it would be 255
// bytes or longer (RFC 5019 §5: then POST).
std::string ocsp_get_url(const std::string& responder, const std::string& request_der);

// Throws OcspError when the responder cannot be reached or does not answer
// 200 with a body.
std::string fetch_ocsp_response(HttpClient& http, const std::string& responder, const std::string& request_der);

}  // namespace certa::acme
