// Write access to the store is a trust boundary (issue 14): a store another
// user can write (here: the SQLite file handed to nobody, as a shared
// PostgreSQL store would be) gets its recorded deploy hook run by `certa
// renew` only when the local allow file names it; the allow file itself must
// be writable by no one else. Needs root (CI runs as root) to hand the file over.
#include "renew_fixture.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace certa::test;
using namespace certa::test::renew;

TEST_CASE("a shared store's deploy hook runs only when the local allow file names it") {
    REQUIRE_MESSAGE(::geteuid() == 0, "handing the store to another user needs root");
    Fixture f;
    const std::string marker = f.dir.file("hook-ran");
    const std::string hook = "touch '" + marker + "'";
    auto issued = f.issue({"policy.renew.test"});
    REQUIRE_MESSAGE(issued.exit_code == 0, issued.err);
    auto recorded = f.renew({"--force", "--deploy-hook", hook});  // given on the command line: runs, recorded
    REQUIRE_MESSAGE(recorded.exit_code == 0, recorded.err);
    REQUIRE(std::filesystem::exists(marker));
    std::filesystem::remove(marker);
    REQUIRE(::chown(f.db().c_str(), 65534, 65534) == 0);  // someone else can now write the store

    const std::string allow = f.dir.file("allow");
    auto refused = f.renew({"--force", "--allow-file", allow});
    INFO((refused.out + refused.err));
    CHECK(refused.exit_code == 1);
    CHECK(refused.out.find("policy.renew.test: failed: the deploy hook recorded in the store is not allowed on this "
                           "host") != std::string::npos);
    CHECK((refused.out + refused.err).find(marker) == std::string::npos);  // the hook's text is never echoed
    CHECK_FALSE(std::filesystem::exists(marker));
    CHECK(f.active().size() == 1);  // nothing renewed with a refused setting
    CHECK(f.all().size() == 2);

    // The test CA's bundle is a recorded setting too.
    std::ofstream(allow) << "# what this host uses of the shared store's settings\ndeploy-hook " << hook
                         << "\nca-bundle " << f.ca_bundle << "\n";
    REQUIRE(::chmod(allow.c_str(), 0666) == 0);
    auto loose = f.renew({"--force", "--allow-file", allow});
    CHECK(loose.exit_code == 5);
    CHECK(loose.err.find("another user can write it") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(marker));

    REQUIRE(::chmod(allow.c_str(), 0644) == 0);
    auto allowed = f.renew({"--force", "--allow-file", allow});
    CHECK_MESSAGE(allowed.exit_code == 0, (allowed.out + allowed.err));
    CHECK(std::filesystem::exists(marker));
    CHECK(f.all().size() == 3);

    // Given again on renew's own command line: local, so it runs without naming it in the file.
    std::filesystem::remove(marker);
    std::ofstream(allow) << "ca-bundle " << f.ca_bundle << "\n";
    auto flag = f.renew({"--force", "--allow-file", allow, "--deploy-hook", hook});
    CHECK_MESSAGE(flag.exit_code == 0, (flag.out + flag.err));
    CHECK(std::filesystem::exists(marker));
}
