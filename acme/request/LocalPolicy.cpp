#include "acme/request/LocalPolicy.hpp"

#include "acme/files/LocalFileError.hpp"
#include "storage/base/UniqueFd.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <sstream>

namespace certa::acme {

namespace {

constexpr std::array<const char*, 10> kKinds{"deploy-hook", "dns-hook",        "export-dir",  "webroot",
                                             "ca-bundle",   "deploy",          "certbot-lineage", "haproxy-crt",
                                             "dns-update",  "tsig-key-file"};

std::string read_trusted_file(const std::string& path, bool& missing) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) {
        if (errno == ENOENT) {
            missing = true;
            return {};
        }
        throw LocalFileError("cannot read allow file " + path + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        throw LocalFileError("refusing allow file " + path + ": not a regular file");
    if ((st.st_uid != 0 && st.st_uid != ::geteuid()) || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        throw LocalFileError("refusing allow file " + path + ": another user can write it");
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            throw LocalFileError("cannot read allow file " + path + ": " + std::strerror(errno));
        }
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > (1u << 20)) throw LocalFileError("refusing allow file " + path + ": larger than 1 MiB");
    }
    return text;
}

}  // namespace

LocalPolicy LocalPolicy::trust_store() {
    LocalPolicy policy;
    policy.trust_all_ = true;
    policy.source_ = "a store only this user can write";
    return policy;
}

LocalPolicy LocalPolicy::from_file(const std::string& path) {
    LocalPolicy policy;
    policy.source_ = path;
    bool missing = false;
    std::istringstream in(read_trusted_file(path, missing));
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.front() == '#') continue;
        const auto space = line.find(' ');
        const std::string kind = line.substr(0, space);
        bool known = false;
        for (const char* k : kKinds) known = known || kind == k;
        if (!known || space == std::string::npos || space + 1 >= line.size())
            throw LocalFileError("allow file " + path + " line " + std::to_string(number) +
                                 ": expected 'KIND VALUE' with KIND one of deploy-hook, dns-hook, export-dir, "
                                 "webroot, ca-bundle, deploy, certbot-lineage, haproxy-crt, dns-update, "
                                 "tsig-key-file");
        policy.allowed_.emplace(kind, line.substr(space + 1));
    }
    return policy;
}

bool LocalPolicy::allowed(const std::string& kind, const std::string& value) const {
    return trust_all_ || value.empty() || allowed_.count({kind, value}) > 0;
}

bool LocalPolicy::allows_haproxy_crt(const std::string& path) const {
    return trust_all_ || allowed_.count({"haproxy-crt", path}) > 0;
}

std::string LocalPolicy::refusal(const IssueSettings& s) const {
    auto refuse = [&](const std::string& what, const char* kind) {
        return "the " + what + " recorded in the store is not allowed on this host (the store is shared; add a '" +
               kind + " ...' line to " + source_ + " or give it on the command line)";
    };
    if (!allowed("deploy-hook", s.deploy_hook)) return refuse("deploy hook", "deploy-hook");
    if (!allowed("dns-hook", s.dns_hook)) return refuse("dns hook", "dns-hook");
    // Where the challenge records go, and which key root signs them with.
    if (!allowed("dns-update", s.dns_update)) return refuse("dns update server", "dns-update");
    if (!allowed("tsig-key-file", s.tsig_key_file)) return refuse("TSIG key file", "tsig-key-file");
    if (!allowed("webroot", s.webroot)) return refuse("webroot", "webroot");
    if (!allowed("ca-bundle", s.ca_bundle)) return refuse("CA bundle", "ca-bundle");
    for (const auto& dir : s.export_dirs)
        if (!allowed("export-dir", dir)) return refuse("export directory " + dir, "export-dir");
    for (const auto& dir : s.certbot_dirs)
        if (!allowed("export-dir", dir)) return refuse("export directory " + dir + " (certbot layout)", "export-dir");
    // The lineage picks which live/NAME and archive/NAME renewals rewrite.
    if (!s.certbot_dirs.empty() && !allowed("certbot-lineage", s.certbot_lineage))
        return refuse("certbot lineage " + s.certbot_lineage, "certbot-lineage");
    // Never named: a deploy target may carry a command.
    for (const auto& target : s.deploy_targets)
        if (!allowed("deploy", target)) return refuse("--deploy target", "deploy");
    return {};
}

}  // namespace certa::acme
