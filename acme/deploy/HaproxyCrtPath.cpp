#include "acme/deploy/HaproxyCrtPath.hpp"

#include "acme/deploy/HaproxyRuntimeApi.hpp"
#include "acme/files/PathWithin.hpp"
#include "storage/names/NameNormalizer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

namespace certa::acme {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
    throw HaproxyError("refusing haproxy certificate path '" + storage::printable_name(path.substr(0, 300)) +
                       "' (from haproxy's 'show ssl cert'): " + why + "; give --deploy haproxy:SOCKET:CRT-PATH");
}

// The canonical directory a crt-list entry stands for, when it is one only
// root or this user can write; nullopt otherwise.
std::optional<fs::path> trusted_list_dir(const std::string& entry) {
    std::error_code ec;
    const fs::path listed(entry);
    if (!listed.is_absolute()) return std::nullopt;
    fs::path dir = fs::is_directory(listed, ec) ? listed : listed.parent_path();
    dir = fs::canonical(dir, ec);
    if (ec) return std::nullopt;
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
    if (st.st_uid != 0 && st.st_uid != ::geteuid()) return std::nullopt;
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) return std::nullopt;
    return dir;
}

}  // namespace

void check_discovered_crt_path(const std::string& path, const std::vector<std::string>& crt_lists,
                               const LocalPolicy& policy) {
    const fs::path named(path);
    if (!named.is_absolute() || named.lexically_normal() != named || !named.has_filename())
        refuse(path, "not an absolute, normal file path");
    for (unsigned char c : path)
        if (c <= 0x20 || c >= 0x7f) refuse(path, "it holds a space or a control character");
    std::error_code ec;
    const fs::path dir = fs::canonical(named.parent_path(), ec);
    if (ec || !fs::is_directory(dir, ec)) refuse(path, "its directory does not exist (certa creates none for it)");
    bool inside_a_list_dir = false;
    for (const auto& entry : crt_lists)
        if (const auto list_dir = trusted_list_dir(entry); list_dir && path_within(*list_dir, dir)) inside_a_list_dir = true;
    if (!inside_a_list_dir)
        refuse(path, "it is outside the directories of haproxy's crt-lists (or those are writable by others)");
    if (!policy.allows_haproxy_crt(path))
        refuse(path, "the allow file " + policy.source() + " has no 'haproxy-crt " +
                         storage::printable_name(path) + "' line (the store is shared)");
}

}  // namespace certa::acme
