// certbot's renewal/NAME.conf, the ConfigObj subset certbot writes: top-level
// `key = value` lines (version, archive_dir, cert, privkey, chain,
// fullchain), a [renewalparams] section and its [[webroot_map]] subsection
// (`name = directory`). A value is one item, quoted ('…', "…", '''…''') or
// not, or a comma-separated list (`webroot_path = /var/www,`); an unquoted
// item cannot hold ',' or '#', and '#' starts a comment. `None` is kept as
// written (certbot's "unset").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certa::acme {

struct ConfEntry {
    std::string key;
    std::vector<std::string> items;  // one for a plain value
    bool list = false;               // written with a comma
    int line = 0;

    // The single value ("" for an empty list), items joined by ", " for a list.
    std::string text() const;
};

struct CertbotRenewalConf {
    std::vector<ConfEntry> top;          // before any section
    std::vector<ConfEntry> params;       // [renewalparams]
    std::vector<ConfEntry> webroot_map;  // [[webroot_map]] inside [renewalparams]
    std::vector<std::string> other_sections;  // sections certa does not know, as "[name]"

    // The [renewalparams] value of `key`, nullopt when absent or `None`.
    std::optional<std::string> param(std::string_view key) const;
    const ConfEntry* param_entry(std::string_view key) const;

    // Throws ImportError "FILE:LINE: ..." for a line it cannot read.
    static CertbotRenewalConf parse(std::string_view text, const std::string& file);
};

}  // namespace certa::acme
