#include "handshake/agent/StoreAccess.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace certa::handshake {
namespace {

struct Who {
    uid_t uid;
    std::vector<gid_t> groups;  // primary first
    std::string name;
};

Who who(uid_t uid, gid_t gid) {
    Who w{uid, {gid}, "uid " + std::to_string(uid)};
    const passwd* pw = ::getpwuid(uid);
    if (!pw || !pw->pw_name) return w;
    w.name = pw->pw_name;
    int count = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    if (::getgrouplist(pw->pw_name, gid, groups.data(), &count) < 0 && count > 64) {
        groups.resize(static_cast<std::size_t>(count));
        ::getgrouplist(pw->pw_name, gid, groups.data(), &count);
    }
    groups.resize(static_cast<std::size_t>(count > 0 ? count : 0));
    for (gid_t g : groups) w.groups.push_back(g);
    return w;
}

// The kernel's rule: owner bits, else group bits, else the others' (root passes).
bool allowed(const struct stat& st, const Who& w, mode_t owner_bit) {
    if (w.uid == 0) return true;
    if (st.st_uid == w.uid) return (st.st_mode & owner_bit) != 0;
    for (gid_t g : w.groups)
        if (g == st.st_gid) return (st.st_mode & (owner_bit >> 3)) != 0;
    return (st.st_mode & (owner_bit >> 6)) != 0;
}

std::string describe(const std::string& path, const struct stat& st) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    const passwd* pw = ::getpwuid(st.st_uid);
    const group* gr = ::getgrgid(st.st_gid);
    return path + " (mode " + mode + ", " + (pw ? pw->pw_name : std::to_string(st.st_uid)) + ":" +
           (gr ? gr->gr_name : std::to_string(st.st_gid)) + ")";
}

}  // namespace

std::string store_access_problem(const std::string& path, uid_t uid, gid_t gid) {
    if (path.rfind("postgresql://", 0) == 0 || path.rfind("postgres://", 0) == 0) return {};
    const Who w = who(uid, gid);
    const std::string fix = "; the store must be readable, not writable, by that user or group, e.g. "
                            "chgrp GROUP on the store and its directory, mode 0640 in a 0750 "
                            "directory (certa-nginx(8))";
    const std::filesystem::path absolute = std::filesystem::absolute(path);
    std::filesystem::path partial;
    struct stat dir {};
    for (const auto& part : absolute.parent_path()) {
        partial /= part;
        if (::stat(partial.c_str(), &dir) != 0)
            return "cannot access " + partial.string() + ": " + std::strerror(errno);
        if (!allowed(dir, w, S_IXUSR))
            return w.name + " cannot enter the store's directory " + describe(partial.string(), dir) + fix;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return "cannot access store " + path + ": " + std::strerror(errno);
    if (!S_ISREG(st.st_mode)) return path + " is not a regular file";
    if ((st.st_mode & S_IROTH) != 0)
        return "store " + describe(path, st) + " is readable by every user; it holds private keys" + fix;
    if (!allowed(st, w, S_IRUSR)) return w.name + " cannot read the store " + describe(path, st) + fix;
    // A user who may create files beside the store creates them itself.
    const bool can_create = allowed(dir, w, S_IWUSR);
    for (const char* suffix : {"-wal", "-shm"}) {
        const std::string sidecar = path + suffix;
        struct stat side {};
        if (::stat(sidecar.c_str(), &side) != 0) {
            if (can_create) continue;
            return sidecar + " does not exist and " + w.name +
                   " cannot create it: open the store once as its owner (e.g. `certa store check`), "
                   "which keeps the WAL files of a group-shared store";
        }
        if (!allowed(side, w, S_IRUSR)) return w.name + " cannot read " + describe(sidecar, side) + fix;
    }
    return {};
}

}  // namespace certa::handshake
