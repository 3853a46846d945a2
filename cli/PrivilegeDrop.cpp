#include "cli/PrivilegeDrop.hpp"

#include "cli/CliError.hpp"
#include "storage/pg/ConnectionString.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace certa::cli {

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw CliError(ExitCode::Failure, "--user: " + what + "; not running on with the old privileges");
}

struct Account {
    uid_t uid;
    gid_t gid;
};

Account look_up(const std::string& user) {
    std::vector<char> buffer(16384);
    passwd entry {};
    passwd* found = nullptr;
    const int rc = ::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (rc != 0 || !found) throw CliError(ExitCode::Usage, "--user: no such user '" + user + "'");
    return {found->pw_uid, found->pw_gid};
}

}  // namespace

bool check_store_owner_for_drop(const std::string& user, const std::string& location) {
    const Account account = look_up(user);
    if (storage::pg::is_postgres_url(location)) return false;
    struct stat st {};
    if (::stat(location.c_str(), &st) != 0) {
        if (errno == ENOENT) return true;
        fail("cannot stat the store " + location + ": " + std::strerror(errno));
    }
    if (st.st_uid == account.uid) return false;
    throw CliError(ExitCode::Failure,
                   "--user " + user + ": the store " + location + " belongs to uid " + std::to_string(st.st_uid) +
                       ", not to " + user + "; serve would keep writing to it after the drop. chown it to " + user +
                       " (root's certa renew then asks the allow file), or start serve as " + user);
}

void give_store_to(const std::string& user, const std::string& location) {
    const Account account = look_up(user);
    for (const char* suffix : {"", "-wal", "-shm"}) {
        const std::string path = location + suffix;
        if (::lchown(path.c_str(), account.uid, account.gid) != 0 && errno != ENOENT)
            fail("cannot give the new store " + path + " to " + user + ": " + std::strerror(errno));
    }
}

void drop_privileges(const std::string& user) {
    const auto [uid, gid] = look_up(user);
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
