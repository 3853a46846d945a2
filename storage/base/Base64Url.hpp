// RFC 4648 §5 base64url without padding (as JOSE and RFC 9773 use it).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace certa {

std::string base64url_encode(std::string_view bytes);
// Accepts input with or without padding; nullopt on any invalid character.
std::optional<std::string> base64url_decode(std::string_view text);
// Lowercase/uppercase hex of bytes.
std::string hex_encode(std::string_view bytes, bool upper = true);

}  // namespace certa
