#include "acme/files/AtomicFile.hpp"

#include "acme/files/LocalFileError.hpp"
#include "storage/base/UniqueFd.hpp"

#include <openssl/rand.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace certa::acme {

namespace {

// Unlinks the temp file unless the rename happened.
class TempFileGuard {
public:
    TempFileGuard(int dir_fd, std::string name) : dir_fd_(dir_fd), name_(std::move(name)) {}
    ~TempFileGuard() {
        if (!name_.empty()) ::unlinkat(dir_fd_, name_.c_str(), 0);
    }
    TempFileGuard(const TempFileGuard&) = delete;
    TempFileGuard& operator=(const TempFileGuard&) = delete;
    void release() { name_.clear(); }

private:
    int dir_fd_;
    std::string name_;
};

std::string random_suffix() {
    unsigned char bytes[6];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw LocalFileError("no randomness for a temporary file name");
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path, int err) {
    throw LocalFileError(what + " " + path.string() + ": " + std::strerror(err));
}

void write_all(int fd, std::string_view content, const std::filesystem::path& path) {
    while (!content.empty()) {
        ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", path, errno);
        }
        content.remove_prefix(static_cast<std::size_t>(n));
    }
}

void check_file_name(const std::string& name) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
        throw LocalFileError("not a file name: " + name);
}

}  // namespace

SafeDirectory ensure_private_dir(const std::filesystem::path& dir) { return SafeDirectory::open(dir, true, 0700); }

void write_file_atomic(const SafeDirectory& dir, const std::string& name, std::string_view content, mode_t mode) {
    check_file_name(name);
    const std::filesystem::path target = dir.path() / name;
    // Created 0600 relative to the directory, never through a link, never an
    // existing file: a key is never readable by others, even briefly.
    std::string tmp;
    UniqueFd fd;
    for (int attempt = 0; attempt < 16 && !fd.valid(); ++attempt) {
        tmp = "." + name + ".tmp-" + random_suffix();
        fd.reset(::openat(dir.fd(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd.valid() && errno != EEXIST) fail("cannot create a temporary file in", dir.path(), errno);
    }
    if (!fd.valid()) fail("cannot create a temporary file in", dir.path(), EEXIST);
    TempFileGuard guard(dir.fd(), tmp);
    const std::filesystem::path tmp_path = dir.path() / tmp;
    if (::fchmod(fd.get(), mode) != 0) fail("cannot set mode of", tmp_path, errno);
    write_all(fd.get(), content, tmp_path);
    if (::fsync(fd.get()) != 0) fail("cannot sync", tmp_path, errno);
    if (fd.close() != 0) fail("cannot close", tmp_path, errno);
    // renameat replaces the name itself: a link planted as the target is replaced, not followed.
    if (::renameat(dir.fd(), tmp.c_str(), dir.fd(), name.c_str()) != 0) fail("cannot replace", target, errno);
    guard.release();
    // Persist the rename itself.
    if (::fsync(dir.fd()) != 0) fail("cannot sync directory", dir.path(), errno);
}

void replace_symlink_atomic(const SafeDirectory& dir, const std::string& name, const std::string& target) {
    check_file_name(name);
    std::string tmp;
    bool made = false;
    for (int attempt = 0; attempt < 16 && !made; ++attempt) {
        tmp = "." + name + ".tmp-" + random_suffix();
        made = ::symlinkat(target.c_str(), dir.fd(), tmp.c_str()) == 0;
        if (!made && errno != EEXIST) fail("cannot create a symbolic link in", dir.path(), errno);
    }
    if (!made) fail("cannot create a symbolic link in", dir.path(), EEXIST);
    TempFileGuard guard(dir.fd(), tmp);
    if (::renameat(dir.fd(), tmp.c_str(), dir.fd(), name.c_str()) != 0) fail("cannot replace", dir.path() / name, errno);
    guard.release();
    if (::fsync(dir.fd()) != 0) fail("cannot sync directory", dir.path(), errno);
}

std::optional<std::string> read_file_at(const SafeDirectory& dir, const std::string& name, std::size_t max_size) {
    check_file_name(name);
    const std::filesystem::path path = dir.path() / name;
    UniqueFd fd(::openat(dir.fd(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid()) {
        if (errno == ENOENT || errno == ELOOP) return std::nullopt;
        fail("cannot read", path, errno);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail("cannot stat", path, errno);
    if (!S_ISREG(st.st_mode)) return std::nullopt;
    std::string content;
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot read", path, errno);
        }
        content.append(buf, static_cast<std::size_t>(n));
        if (content.size() > max_size) throw LocalFileError("refusing " + path.string() + ": larger than expected");
    }
    return content;
}

}  // namespace certa::acme
