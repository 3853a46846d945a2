#include "acme/deploy/CertbotLayout.hpp"

#include "acme/deploy/CertificateExport.hpp"
#include "acme/files/AtomicFile.hpp"
#include "acme/files/LocalFileError.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

namespace certa::acme {

namespace {

constexpr std::array<const char*, 4> kKinds{"privkey", "chain", "fullchain", "cert"};  // key first

// certbot's README texts (storage.py, _write_live_readme_to).
std::string readme(const std::string& prefix) {
    return "This directory contains your keys and certificates.\n\n"
           "`" + prefix + "privkey.pem`  : the private key for your certificate.\n"
           "`" + prefix + "fullchain.pem`: the certificate file used in most server software.\n"
           "`" + prefix + "chain.pem`    : used for OCSP stapling in Nginx >=1.3.7.\n"
           "`" + prefix + "cert.pem`     : will break many server configurations, and should not be used\n"
           "                 without reading further documentation (see link below).\n\n"
           "WARNING: DO NOT MOVE OR RENAME THESE FILES!\n"
           "         Certbot expects these files to remain in this location in order\n"
           "         to function properly!\n\n"
           "We recommend not moving these files. For more information, see the Certbot\n"
           "User Guide at https://certbot.eff.org/docs/using.html#where-are-my-certificates.\n";
}

struct DirCloser {
    void operator()(DIR* d) const noexcept { ::closedir(d); }
};

// The highest N of archive/NAME/KINDN.pem over the four kinds (0 when there
// is none): certbot's next_free_version - 1, so that a version only partly
// written (a privkeyN.pem without its certN.pem) is never overwritten.
int newest_version(const SafeDirectory& archive) {
    const int fd = ::dup(archive.fd());
    if (fd < 0) throw LocalFileError("cannot read " + archive.path().string() + ": " + std::strerror(errno));
    std::unique_ptr<DIR, DirCloser> dir(::fdopendir(fd));
    if (!dir) {
        ::close(fd);
        throw LocalFileError("cannot read " + archive.path().string() + ": " + std::strerror(errno));
    }
    ::rewinddir(dir.get());
    int newest = 0;
    while (const dirent* entry = ::readdir(dir.get())) {
        const std::string name = entry->d_name;
        for (const std::string kind : kKinds) {
            if (name.size() <= kind.size() + 4 || name.rfind(kind, 0) != 0 || name.substr(name.size() - 4) != ".pem")
                continue;
            const std::string digits = name.substr(kind.size(), name.size() - kind.size() - 4);
            if (digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
            newest = std::max(newest, std::stoi(digits));
        }
    }
    return newest;
}

// True when dir/name is a symbolic link to exactly `target`.
bool links_to(const SafeDirectory& dir, const std::string& name, const std::string& target) {
    char buf[4096];
    const ssize_t n = ::readlinkat(dir.fd(), name.c_str(), buf, sizeof buf);
    return n >= 0 && static_cast<std::size_t>(n) < sizeof buf && std::string(buf, static_cast<std::size_t>(n)) == target;
}

std::string file_name(const char* kind, int version) { return std::string(kind) + std::to_string(version) + ".pem"; }

}  // namespace

bool is_certbot_lineage_name(const std::string& name) {
    return !name.empty() && name != "." && name != ".." && name.find_first_of(std::string("/\0", 2)) == std::string::npos;
}

std::string certbot_lineage_name(const storage::CertificateRecord& cert, const std::string& recorded) {
    std::string name = recorded;
    if (name.empty()) name = cert.names.empty() ? "certificate-" + std::to_string(cert.id) : cert.names.front();
    if (recorded.empty() && name.rfind("*.", 0) == 0) name = name.substr(2);
    if (!is_certbot_lineage_name(name))
        throw LocalFileError("no certbot lineage name for certificate #" + std::to_string(cert.id));
    return name;
}

std::filesystem::path certbot_live_dir(const std::filesystem::path& config_dir, const std::string& lineage) {
    return (std::filesystem::absolute(config_dir) / "live" / lineage).lexically_normal();
}

CertbotExport write_certbot_lineage(const storage::CertificateRecord& cert, const std::filesystem::path& config_dir,
                                    const std::string& recorded_lineage) {
    const PemFiles pem = split_chain(cert);
    const std::string name = certbot_lineage_name(cert, recorded_lineage);
    // certbot: the config dir 0755, live/ and archive/ 0700, the lineage dirs by the umask (0755).
    const SafeDirectory config = SafeDirectory::open(config_dir, true, 0755);
    const SafeDirectory live_root = SafeDirectory::open(config.path() / "live", true, 0700);
    const SafeDirectory archive_root = SafeDirectory::open(config.path() / "archive", true, 0700);
    const SafeDirectory archive = SafeDirectory::open(archive_root.path() / name, true, 0755);
    const SafeDirectory live = SafeDirectory::open(live_root.path() / name, true, 0755);

    const std::array<const std::string*, 4> content{&cert.key_pem, &pem.chain, &pem.fullchain, &pem.cert};
    CertbotExport result;
    result.live_dir = live.path();
    result.version = newest_version(archive);
    bool same = result.version > 0;
    for (std::size_t i = 0; same && i < kKinds.size(); ++i)
        same = read_file_at(archive, file_name(kKinds[i], result.version)) == *content[i];
    if (!same) {
        ++result.version;
        result.new_version = true;
        for (std::size_t i = 0; i < kKinds.size(); ++i)
            write_file_atomic(archive, file_name(kKinds[i], result.version), *content[i], i == 0 ? 0600 : 0644);
    }
    for (const char* kind : kKinds) {
        const std::string link = std::string(kind) + ".pem";
        const std::string target = "../../archive/" + name + "/" + file_name(kind, result.version);
        if (!links_to(live, link, target)) replace_symlink_atomic(live, link, target);
    }
    if (!read_file_at(live, "README")) write_file_atomic(live, "README", readme(""), 0644);
    if (!read_file_at(live_root, "README")) write_file_atomic(live_root, "README", readme("[cert name]/"), 0644);
    return result;
}

}  // namespace certa::acme
