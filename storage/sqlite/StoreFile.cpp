#include "storage/sqlite/StoreFile.hpp"

#include "storage/StoreError.hpp"
#include "storage/base/UniqueFd.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <cstddef>
#include <memory>

namespace certa::storage {

namespace {

using Kind = StoreError::Kind;

StoreError io_error(const std::string& what, const std::string& path, int err) {
    return StoreError(Kind::Io, what + " " + path + ": " + std::strerror(err));
}

// mkdir -p with 0700 for every directory this call creates.
void create_parent_directories(const std::string& path) {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (parent.empty()) return;
    std::filesystem::path partial;
    for (const auto& part : parent) {
        partial /= part;
        if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST)
            throw io_error("cannot create directory", partial.string(), errno);
    }
}

// Creates the file 0600 whatever the umask. False when it already existed.
bool create_exclusive(const std::string& path) {
    create_parent_directories(path);
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.get() < 0) {
        if (errno == EEXIST) return false;
        throw io_error("cannot create store", path, errno);
    }
    if (::fchmod(fd.get(), 0600) != 0) throw io_error("cannot set mode 0600 on", path, errno);
    return true;
}

// SQLite file format §1.3: every database starts with this 16-byte string.
// Read through SQLite's own VFS, never a plain open()/close(): closing any
// descriptor of the file drops every POSIX lock this process holds on it
// (SQLite's "How To Corrupt" §2.2), so a second open_store() in a process that
// already has the store open would let another process delete the WAL under
// it. The unix VFS defers that close while the file is locked.
void check_sqlite_header(const std::string& path) {
    sqlite3_vfs* vfs = sqlite3_vfs_find(nullptr);
    if (vfs == nullptr) throw StoreError(Kind::Io, "cannot read store " + path + ": no SQLite VFS");
    // The VFS's file object: szOsFile bytes, suitably aligned, zeroed.
    const std::size_t cells = (static_cast<std::size_t>(vfs->szOsFile) + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t);
    auto storage = std::make_unique<std::max_align_t[]>(cells);
    auto* file = reinterpret_cast<sqlite3_file*>(storage.get());
    int out_flags = 0;
    int rc = vfs->xOpen(vfs, path.c_str(), file, SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB, &out_flags);
    if (rc != SQLITE_OK) {
        if (file->pMethods != nullptr) file->pMethods->xClose(file);
        throw StoreError(Kind::Io, "cannot read store " + path + ": " + sqlite3_errstr(rc));
    }
    sqlite3_int64 size = 0;
    char header[16] = {};
    rc = file->pMethods->xFileSize(file, &size);
    if (rc == SQLITE_OK && size > 0) rc = file->pMethods->xRead(file, header, sizeof header, 0);
    file->pMethods->xClose(file);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
        throw StoreError(Kind::Io, "cannot read store " + path + ": " + sqlite3_errstr(rc));
    if (size == 0) return;  // empty: a new store another process just created
    static const char kMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f', 'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};
    if (size < static_cast<sqlite3_int64>(sizeof header) || std::memcmp(header, kMagic, sizeof header) != 0)
        throw StoreError(Kind::NotAStore, path + " is not a certa store (not an SQLite database)");
}

// Keys live in the store: no bits for group or others, on the db and its WAL
// files. A -wal or -shm that is a symbolic link (planted to make certa chmod,
// and SQLite write, its target) is refused; the store itself may be a link the
// user made. No descriptor is opened: closing one would drop the POSIX locks
// SQLite holds on these files in this process. fchmodat(AT_SYMLINK_NOFOLLOW)
// fails on a link swapped in after the check.
// `shared_gid` (a group-shared store's group, else -1): 0640 with that group is kept.
void tighten_mode(const std::string& path, bool must_exist, bool follow, gid_t shared_gid) {
    const int flags = follow ? 0 : AT_SYMLINK_NOFOLLOW;
    struct stat st {};
    if (::fstatat(AT_FDCWD, path.c_str(), &st, flags) != 0) {
        if (!must_exist && errno == ENOENT) return;
        throw io_error("cannot stat", path, errno);
    }
    if (S_ISLNK(st.st_mode)) throw StoreError(Kind::Io, "refusing store file " + path + ": it is a symbolic link");
    if (!S_ISREG(st.st_mode)) throw StoreError(Kind::Io, "refusing store file " + path + ": not a regular file");
    if ((st.st_mode & 077) == 0) return;
    if (shared_gid != static_cast<gid_t>(-1) && st.st_gid == shared_gid && (st.st_mode & 077) == 040) return;
    if (::fchmodat(AT_FDCWD, path.c_str(), 0600, flags) != 0) {
        if (errno == EOPNOTSUPP)
            throw StoreError(Kind::Io, "refusing store file " + path + ": it is a symbolic link");
        throw io_error("cannot restrict to mode 0600:", path, errno);
    }
}

// SQLite replays a -wal (or a hot -journal) and maps a -shm beside the store
// as if they were the store's own, so whoever owns them chooses the store's
// contents: keys served, hooks run. One planted by another user (in a shared
// directory, before this process's next open) is refused before SQLite opens
// anything, and nothing is changed. Root, this process's user and the store
// file's owner (who could write the store itself) may own them.
void refuse_foreign_sidecars(const std::string& path, uid_t store_owner) {
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
        const std::string sidecar = path + suffix;
        struct stat st {};
        if (::lstat(sidecar.c_str(), &st) != 0) {
            if (errno == ENOENT) continue;
            throw io_error("cannot stat", sidecar, errno);
        }
        if (st.st_uid == 0 || st.st_uid == ::geteuid() || st.st_uid == store_owner) continue;
        throw StoreError(Kind::Untrusted, "refusing store " + path + ": " + sidecar + " belongs to uid " +
                                              std::to_string(st.st_uid) +
                                              ", not to this user, root or the store's owner "
                                              "(another user may have planted it; nothing was changed)");
    }
}

}  // namespace

bool is_group_shared_store(const std::string& path) {
    struct stat file {}, dir {};
    if (::stat(path.c_str(), &file) != 0 || !S_ISREG(file.st_mode) || (file.st_mode & 0777) != 0640) return false;
    const std::filesystem::path parent = std::filesystem::absolute(path).parent_path();
    if (::stat(parent.c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode)) return false;
    return dir.st_gid == file.st_gid && (dir.st_mode & 0777) == 0750;
}

StoreFileState prepare_store_file(const std::string& path, const OpenOptions& options) {
    if (path.empty()) throw StoreError(Kind::Io, "no store path given");
    StoreFileState state;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno != ENOENT) throw io_error("cannot access store", path, errno);
        if (!options.create || options.read_only)
            throw StoreError(Kind::Io, "store " + path + " does not exist");
        state.created = create_exclusive(path);
        if (::stat(path.c_str(), &st) != 0) throw io_error("cannot access store", path, errno);
    }
    if (!S_ISREG(st.st_mode))
        throw StoreError(Kind::NotAStore, path + " is not a certa store (not a regular file)");
    refuse_foreign_sidecars(path, st.st_uid);
    check_sqlite_header(path);
    if (!options.read_only) {
        const gid_t shared = is_group_shared_store(path) ? st.st_gid : static_cast<gid_t>(-1);
        tighten_mode(path, true, true, shared);
        tighten_mode(path + "-wal", false, false, shared);
        tighten_mode(path + "-shm", false, false, shared);
    }
    return state;
}

}  // namespace certa::storage
