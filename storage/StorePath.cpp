#include "storage/StorePath.hpp"

#include "storage/pg/ConnectionString.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

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

std::string printable_location(const std::string& location) {
    return pg::is_postgres_url(location) ? pg::redact(location, location) : location;
}

}  // namespace certa::storage
