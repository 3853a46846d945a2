#include "acme/renew/AtomicFile.hpp"

#include "acme/renew/LocalFileError.hpp"
#include "storage/UniqueFd.hpp"

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
    explicit TempFileGuard(std::string path) : path_(std::move(path)) {}
    ~TempFileGuard() {
        if (!path_.empty()) ::unlink(path_.c_str());
    }
    TempFileGuard(const TempFileGuard&) = delete;
    TempFileGuard& operator=(const TempFileGuard&) = delete;
    void release() { path_.clear(); }

private:
    std::string path_;
};

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

}  // namespace

void ensure_private_dir(const std::filesystem::path& dir) {
    std::filesystem::path partial;
    for (const auto& part : dir) {
        partial /= part;
        if (::mkdir(partial.c_str(), 0700) == 0) {
            // The umask may have narrowed 0700 (e.g. 0277 gives 0500): set it exactly.
            if (::chmod(partial.c_str(), 0700) != 0) fail("cannot set mode of", partial, errno);
        } else if (errno != EEXIST) {
            fail("cannot create directory", partial, errno);
        }
    }
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) fail("cannot access", dir, errno);
    if (!S_ISDIR(st.st_mode)) fail("not a directory:", dir, ENOTDIR);
}

void write_file_atomic(const std::filesystem::path& dir, const std::string& name,
                       std::string_view content, mode_t mode) {
    const std::filesystem::path target = dir / name;
    std::string tmpl = (dir / ("." + name + ".tmp-XXXXXX")).string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    // mkostemp creates the file 0600, so a key is never readable by others, even briefly.
    UniqueFd fd(::mkostemp(buf.data(), O_CLOEXEC));
    if (fd.get() < 0) fail("cannot create a temporary file in", dir, errno);
    const std::string tmp_path(buf.data());
    TempFileGuard guard(tmp_path);
    if (::fchmod(fd.get(), mode) != 0) fail("cannot set mode of", tmp_path, errno);
    write_all(fd.get(), content, tmp_path);
    if (::fsync(fd.get()) != 0) fail("cannot sync", tmp_path, errno);
    if (fd.close() != 0) fail("cannot close", tmp_path, errno);
    if (::rename(tmp_path.c_str(), target.c_str()) != 0) fail("cannot replace", target, errno);
    guard.release();
    // Persist the rename itself.
    UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dfd.get() < 0 || ::fsync(dfd.get()) != 0) fail("cannot sync directory", dir, errno);
}

}  // namespace certa::acme
