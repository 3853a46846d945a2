// dns-01 through a hook program: argv, environment, TXT value, failures and
// the time bound (run_hook).
#include "TempDir.hpp"
#include "acme/challenge/Dns01Solver.hpp"
#include "acme/challenge/HookProcess.hpp"
#include "acme/files/LocalFileError.hpp"
#include "acme/issue/IssueSettingsCheck.hpp"
#include "storage/base/Base64Url.hpp"

#include "TestFiles.hpp"

#include <doctest/doctest.h>

#include <openssl/evp.h>

#include <chrono>
#include <fstream>
#include <sys/stat.h>

using namespace certa;

using certa::test::slurp;

namespace {

std::string write_script(const test::TempDir& dir, const std::string& name, const std::string& body) {
    const std::string path = dir.file(name);
    std::ofstream(path) << "#!/bin/sh\n" << body;
    REQUIRE(::chmod(path.c_str(), 0755) == 0);
    return path;
}

// A solver that runs `hook` and does not check propagation.
acme::Dns01Options hook_only(std::string hook) {
    acme::Dns01Options options;
    options.hook = std::move(hook);
    return options;
}

}  // namespace

TEST_CASE("TXT value is base64url(SHA-256(key authorization)); FQDN uses the base name") {
    const std::string keyauth = "token.thumbprint";
    unsigned char md[32];
    unsigned int len = 0;
    REQUIRE(EVP_Digest(keyauth.data(), keyauth.size(), md, &len, EVP_sha256(), nullptr) == 1);
    const std::string expected = base64url_encode(std::string_view(reinterpret_cast<char*>(md), len));
    CHECK(acme::dns01_txt_value(keyauth) == expected);
    CHECK(expected.size() == 43);
    CHECK(acme::dns01_txt_value(keyauth + "x") != expected);
    CHECK(acme::dns01_fqdn(acme::Identifier::parse("*.Example.com")) == "_acme-challenge.example.com.");
    CHECK(acme::dns01_fqdn(acme::Identifier::parse("www.example.com")) == "_acme-challenge.www.example.com.");
}

TEST_CASE("the hook gets add/remove, FQDN and value as argv and the CERTA_* environment") {
    test::TempDir dir;
    const std::string log = dir.file("calls");
    const std::string hook = write_script(
        dir, "hook.sh", "echo \"$1|$2|$3|$CERTA_DNS_ACTION|$CERTA_DNS_FQDN|$CERTA_DNS_VALUE|$CERTA_IDENTIFIER\" >>" + log + "\n");
    acme::Dns01Solver solver(hook_only(hook));
    const auto id = acme::Identifier::parse("*.example.org");
    solver.present(id, "tok", "tok.thumb");
    solver.cleanup(id, "tok", "tok.thumb");
    const std::string v = acme::dns01_txt_value("tok.thumb");
    CHECK(slurp(log) == "add|_acme-challenge.example.org.|" + v + "|add|_acme-challenge.example.org.|" + v +
                            "|*.example.org\n" + "remove|_acme-challenge.example.org.|" + v +
                            "|remove|_acme-challenge.example.org.|" + v + "|*.example.org\n");
}

TEST_CASE("a failing hook is an error with its exit status and first output line; cleanup never throws") {
    test::TempDir dir;
    const std::string hook = write_script(dir, "fail.sh", "echo 'zone not found'\necho second line\nexit 7\n");
    acme::Dns01Solver solver(hook_only(hook));
    const auto id = acme::Identifier::parse("example.net");
    try {
        solver.present(id, "tok", "tok.thumb");
        FAIL("no error");
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        CHECK(what.find("exit status 7") != std::string::npos);
        CHECK(what.find("zone not found") != std::string::npos);
        CHECK(what.find("second line") == std::string::npos);
        CHECK(what.find("tok.thumb") == std::string::npos);
    }
    CHECK_NOTHROW(solver.cleanup(id, "tok", "tok.thumb"));
    CHECK_THROWS_AS(acme::Dns01Solver(hook_only("")), std::invalid_argument);
    CHECK_THROWS(acme::Dns01Solver(hook_only(dir.file("missing"))).present(id, "tok", "tok.thumb"));
}

TEST_CASE("run_hook: bounded time kills the hook and its children; output is bounded") {
    test::TempDir dir;
    const std::string slow = write_script(dir, "slow.sh", "sleep 30 &\nsleep 30\n");
    acme::HookOptions options;
    options.timeout = std::chrono::milliseconds(300);
    const auto start = std::chrono::steady_clock::now();
    acme::HookResult r = acme::run_hook({slow}, options);
    CHECK(r.timed_out);
    CHECK(r.exit_code == -1);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));

    const std::string loud = write_script(dir, "loud.sh", "head -c 100000 /dev/zero | tr '\\0' x\nexit 0\n");
    options.timeout = std::chrono::milliseconds(20000);
    options.max_output = 1000;
    r = acme::run_hook({loud}, options);
    CHECK(r.exit_code == 0);
    CHECK(r.output.size() == 1000);

    r = acme::run_hook({"sh", "-c", "exit 4"});  // found through $PATH
    CHECK(r.exit_code == 4);
    CHECK_THROWS(acme::run_hook({dir.file("nope")}));
}

TEST_CASE("the propagation settings are recorded for renewals; rows without them load the defaults") {
    const std::string old_row = R"({"server":"https://ca.example/dir","challenge":"dns-01","dns_hook":"/bin/hook"})";
    acme::IssueSettings old = acme::IssueSettings::from_json(old_row);
    CHECK(old.dns_propagation_timeout == 120);
    CHECK(old.dns_resolvers.empty());
    acme::Dns01Options options = acme::dns01_options(old);
    CHECK(options.hook == "/bin/hook");
    CHECK(options.propagation_timeout == std::chrono::seconds(120));
    CHECK(options.resolvers.empty());

    acme::IssueSettings s = old;
    s.dns_propagation_timeout = 0;
    s.dns_resolvers = {"127.0.0.1:8053", "[::1]:53"};
    CHECK(acme::validate(s).empty());
    const acme::IssueSettings back = acme::IssueSettings::from_json(s.to_json());
    CHECK(back.dns_propagation_timeout == 0);
    CHECK(back.dns_resolvers == s.dns_resolvers);
    options = acme::dns01_options(back);
    CHECK(options.propagation_timeout.count() == 0);
    CHECK(options.resolvers == std::vector<acme::DnsResolver>{{"127.0.0.1", 8053}, {"::1", 53}});

    s.dns_resolvers = {"resolver.example"};
    CHECK(acme::validate(s).find("--dns-resolver 'resolver.example'") == 0);
    s.dns_resolvers.clear();
    s.dns_propagation_timeout = -1;
    CHECK_FALSE(acme::validate(s).empty());
    CHECK_THROWS(acme::IssueSettings::from_json(R"({"dns_propagation_timeout":-5})"));
}

TEST_CASE("--dns-update HOST[:PORT]: port 53 unless given, names resolved, bad forms refused in one line") {
    CHECK(acme::parse_dns_update_server("127.0.0.1") == acme::DnsResolver{"127.0.0.1", 53});
    CHECK(acme::parse_dns_update_server("[::1]:5353") == acme::DnsResolver{"::1", 5353});
    const auto local = acme::parse_dns_update_server("localhost:8053");  // /etc/hosts
    CHECK((local.address == "127.0.0.1" || local.address == "::1"));
    CHECK(local.port == 8053);
    for (const char* bad : {"[::1", ":53", "127.0.0.1:0", "127.0.0.1:99999"}) {
        try {
            acme::parse_dns_update_server(bad);
            FAIL("accepted: ", bad);
        } catch (const std::invalid_argument& e) {
            CHECK(std::string(e.what()).rfind(std::string("--dns-update '") + bad + "'", 0) == 0);
        }
    }
}

TEST_CASE("an RFC 2136 solver needs both the server and a usable key file, checked before any order") {
    test::TempDir dir;
    acme::Dns01Options options;
    options.dns_update = "127.0.0.1:53";
    CHECK_THROWS_AS(acme::Dns01Solver{options}, std::invalid_argument);
    options.tsig_key_file = dir.file("missing.key");
    CHECK_THROWS_AS(acme::Dns01Solver{options}, acme::LocalFileError);
    std::ofstream(options.tsig_key_file) << "key \"k\" { algorithm hmac-sha256; secret \"c2VjcmV0\"; };\n";
    REQUIRE(::chmod(options.tsig_key_file.c_str(), 0600) == 0);
    CHECK_NOTHROW(acme::Dns01Solver{options});
}
