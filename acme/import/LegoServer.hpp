// lego names its account folders after the CA's host (':' becomes '_':
// 127.0.0.1_14000) and keeps no directory URL. These map the two.
#pragma once

#include <optional>
#include <string>

namespace certa::acme {

// The folder lego uses for a URL's host ("https://127.0.0.1:14000/dir" →
// "127.0.0.1_14000"); "" when the URL has no host.
std::string lego_host_dir(const std::string& url);
// The directory URL of a well-known public CA's host folder (Let's Encrypt
// and its staging, ZeroSSL, Buypass, Google Trust Services); nullopt otherwise.
std::optional<std::string> known_directory_url(const std::string& host_dir);

}  // namespace certa::acme
