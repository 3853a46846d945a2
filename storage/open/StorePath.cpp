#include "storage/open/StorePath.hpp"

#include "storage/pg/ConnectionString.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace certa::storage {

namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

std::string home_directory() {
    std::string home = env("HOME");
    if (!home.empty()) return home;
    if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_dir) return pw->pw_dir;
    return ".";
}

}  // namespace

std::string default_store_path() {
    if (geteuid() == 0) return "/var/lib/certa/certa.db";
    // XDG Base Directory spec: relative values are invalid and must be ignored.
    std::string data_home = env("XDG_DATA_HOME");
    if (data_home.empty() || data_home.front() != '/') data_home = home_directory() + "/.local/share";
    return data_home + "/certa/certa.db";
}

std::string resolve_store_path(const std::string& flag) {
    if (!flag.empty()) return flag;
    std::string from_env = env("CERTA_STORE");
    if (!from_env.empty()) return from_env;
    return default_store_path();
}

bool is_private_store(const std::string& location) {
    if (pg::is_postgres_url(location)) return false;
    auto ours = [](const struct stat& st) { return st.st_uid == 0 || st.st_uid == ::geteuid(); };
    struct stat file {}, dir {};
    if (::stat(location.c_str(), &file) != 0 || !S_ISREG(file.st_mode)) return false;
    if (!ours(file) || (file.st_mode & (S_IWGRP | S_IWOTH)) != 0) return false;
    // Its -wal and -shm decide what SQLite reads as much as the file does
    // (a group-shared store's are 0640: certa-nginx(8)).
    for (const char* suffix : {"-wal", "-shm"}) {
        struct stat side {};
        if (::lstat((location + suffix).c_str(), &side) != 0) continue;
        if (!ours(side) || (side.st_mode & (S_IWGRP | S_IWOTH)) != 0) return false;
    }
    const std::filesystem::path parent = std::filesystem::absolute(location).parent_path();
    if (::stat(parent.c_str(), &dir) != 0 || !ours(dir)) return false;
    // A shared sticky directory (/tmp, /var/tmp, /dev/shm) is not private:
    // others cannot swap the store there, but they can create its -wal first.
    return (dir.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

std::string printable_location(const std::string& location) {
    return pg::is_postgres_url(location) ? pg::redact(location, location) : location;
}

}  // namespace certa::storage
