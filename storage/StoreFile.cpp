#include "storage/StoreFile.hpp"

#include "storage/StoreError.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace certa::storage {

namespace {

using Kind = StoreError::Kind;

StoreError io_error(const std::string& what, const std::string& path, int err) {
    return StoreError(Kind::Io, what + " " + path + ": " + std::strerror(err));
}

// RAII for a plain file descriptor.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

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
    Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.get() < 0) {
        if (errno == EEXIST) return false;
        throw io_error("cannot create store", path, errno);
    }
    if (::fchmod(fd.get(), 0600) != 0) throw io_error("cannot set mode 0600 on", path, errno);
    return true;
}

// SQLite file format §1.3: every database starts with this 16-byte string.
void check_sqlite_header(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw io_error("cannot read store", path, errno);
    char header[16];
    ssize_t got = ::read(fd.get(), header, sizeof header);
    if (got < 0) throw io_error("cannot read store", path, errno);
    if (got == 0) return;  // empty: a new store another process just created
    static const char kMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f', 'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};
    if (got != static_cast<ssize_t>(sizeof header) || std::memcmp(header, kMagic, sizeof header) != 0)
        throw StoreError(Kind::NotAStore, path + " is not a certa store (not an SQLite database)");
}

// Keys live in the store: no bits for group or others, on the db and its WAL files.
void tighten_mode(const std::string& path, bool must_exist) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (!must_exist && errno == ENOENT) return;
        throw io_error("cannot stat", path, errno);
    }
    if ((st.st_mode & 077) == 0) return;
    if (::chmod(path.c_str(), 0600) != 0)
        throw io_error("cannot restrict to mode 0600:", path, errno);
}

}  // namespace

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
    check_sqlite_header(path);
    if (!options.read_only) {
        tighten_mode(path, true);
        tighten_mode(path + "-wal", false);
        tighten_mode(path + "-shm", false);
    }
    return state;
}

}  // namespace certa::storage
