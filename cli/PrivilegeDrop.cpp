#include "cli/PrivilegeDrop.hpp"

#include "cli/CliError.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace certa::cli {

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw CliError(ExitCode::Failure, "--user: " + what + "; not running on with the old privileges");
}

}  // namespace

void drop_privileges(const std::string& user) {
    std::vector<char> buffer(16384);
    passwd entry {};
    passwd* found = nullptr;
    const int rc = ::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (rc != 0 || !found) throw CliError(ExitCode::Usage, "--user: no such user '" + user + "'");
    const uid_t uid = found->pw_uid;
    const gid_t gid = found->pw_gid;
    if (::geteuid() != 0) {
        if (::geteuid() == uid && ::getuid() == uid) return;
        fail("dropping to another user needs root");
    }
    if (::setgroups(0, nullptr) != 0) fail(std::string("setgroups: ") + std::strerror(errno));
    if (::setresgid(gid, gid, gid) != 0) fail(std::string("setresgid: ") + std::strerror(errno));
    if (::setresuid(uid, uid, uid) != 0) fail(std::string("setresuid: ") + std::strerror(errno));
    // No way back, and nothing exec'ed later (hooks) can gain privileges.
    if (uid != 0 && (::setuid(0) == 0 || ::seteuid(0) == 0)) fail("root could be regained");
    uid_t r = 0, e = 0, s = 0;
    gid_t rg = 0, eg = 0, sg = 0;
    if (::getresuid(&r, &e, &s) != 0 || r != uid || e != uid || s != uid || ::getresgid(&rg, &eg, &sg) != 0 ||
        rg != gid || eg != gid || sg != gid || ::getgroups(0, nullptr) != 0)
        fail("the process did not become " + user);
    ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

}  // namespace certa::cli
