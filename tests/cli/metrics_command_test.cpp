// `certa metrics` and `certa check` on real SQLite stores filled through the
// Store API: the exposition checked by promtool, the textfile written
// atomically, and the monitoring-plugin exit codes for every state.
#include "tests/cli/CliTestUtil.hpp"
#include "tests/cli/metrics/Promtool.hpp"
#include "tests/handshake/StoreFiller.hpp"
#include "storage/base/Clock.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <ctime>
#include <filesystem>

using namespace certa;
using namespace certa::test;
using namespace certa::test::cli;

namespace {

constexpr long kDay = 86400;

struct Fixture {
    TempDir dir;
    std::string path = dir.file("certa.db");
    std::unique_ptr<storage::Store> store = storage::open_store(path);

    std::int64_t put(const std::string& name, long not_before_offset_s, long validity_s) {
        return put_test_cert(*store, {name, "www." + name}, "ec256", {}, not_before_offset_s, validity_s).id;
    }
    // A renewal that failed `failures` times, due since an hour, recorded
    // as acme/renew records one: the text and the class of the failure.
    void fail_renewal(std::int64_t id, int failures, const std::string& error, const std::string& error_class) {
        storage::RenewalState state;
        state.renew_at = certa::storage::unix_now() - 3600;
        state.failures = failures;
        state.last_error = error;
        state.last_error_class = error_class;
        store->update_renewal_state(id, state);
    }
    RunResult certa(std::vector<std::string> args) { return certa_in(dir, std::move(args)); }
};

}  // namespace

TEST_CASE("certa metrics: the store's gauges, accepted by promtool, no secret") {
    Fixture f;
    const auto ok = f.put("ok.example", -kDay, 90 * kDay);
    const auto failing = f.put("fail.example", -60 * kDay, 90 * kDay);
    f.fail_renewal(failing, 2, "newOrder: urn:ietf:params:acme:error:rateLimited: too many certificates \"x\"",
                   "rateLimited");
    f.store->set_deploy_pending(ok, true);
    f.store->request_issuance("new.example", "issue");
    const auto cert = *f.store->get_certificate(ok);

    auto r = f.certa({"metrics"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    require_promtool_accepts(r.out);
    const std::string ok_labels = "{id=\"" + std::to_string(ok) + "\",name=\"ok.example\"}";
    const std::string fail_labels = "{id=\"" + std::to_string(failing) + "\",name=\"fail.example\"}";
    CHECK(sample_value(r.out, "certa_certificates") == 2);
    CHECK(sample_value(r.out, "certa_certificate_not_after_timestamp_seconds" + ok_labels) ==
          static_cast<double>(cert.not_after));
    CHECK(sample_value(r.out, "certa_certificate_renew_at_timestamp_seconds" + ok_labels) > cert.not_before);
    CHECK(sample_value(r.out, "certa_certificate_deploy_pending" + ok_labels) == 1);
    CHECK(sample_value(r.out, "certa_certificate_renewal_failures" + fail_labels) == 2);
    CHECK(sample_value(r.out, "certa_certificate_renewal_error{id=\"" + std::to_string(failing) +
                                  "\",name=\"fail.example\",class=\"rateLimited\"}") == 1);
    CHECK(sample_value(r.out, "certa_certificate_renewal_error{id=\"" + std::to_string(ok) +
                                  "\",name=\"ok.example\",class=\"none\"}") == 0);
    CHECK(sample_value(r.out, "certa_ondemand_requests{state=\"due\"}") == 1);
    CHECK(sample_value(r.out, "certa_store_generation") == static_cast<double>(f.store->current_generation()));
    CHECK(r.out.find("too many certificates") == std::string::npos);  // the error text stays out
    CHECK(r.out.find("PRIVATE KEY") == std::string::npos);
    CHECK(r.out.find("certa_handshakes_total") == std::string::npos);  // serve only
}

TEST_CASE("certa metrics: the class label is the stored class; rewording the error text cannot change it") {
    Fixture f;
    const auto id = f.put("reworded.example", -60 * kDay, 90 * kDay);
    const std::string labels = "certa_certificate_renewal_error{id=\"" + std::to_string(id) +
                               "\",name=\"reworded.example\",class=\"";
    // The same class under texts that once meant other classes, or nothing.
    for (const char* text : {"cannot reach CA at https://ca.test/dir: refused", "deploy hook failed: exit 1",
                             "urn:ietf:params:acme:error:dns", "the CA is down (reworded)"}) {
        INFO(text);
        f.fail_renewal(id, 1, text, "rateLimited");
        auto r = f.certa({"metrics"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(sample_value(r.out, labels + "rateLimited\"}") == 1);
        CHECK(r.out.find(text) == std::string::npos);
    }
    f.fail_renewal(id, 1, "rateLimited", "network");
    CHECK(sample_value(f.certa({"metrics"}).out, labels + "network\"}") == 1);
}

TEST_CASE("certa metrics --textfile: atomic replace, mode 0644, same text as stdout") {
    Fixture f;
    f.put("a.example", -kDay, 30 * kDay);
    const std::string target = f.dir.file("certa.prom");
    write_file(target, "old content\n");
    ::chmod(target.c_str(), 0600);
    ::umask(077);  // inherited by certa: the file must still be 0644
    auto r = f.certa({"metrics", "--textfile", target});
    ::umask(022);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.empty());
    CHECK(file_mode(target) == 0644);
    const std::string text = read_file(target);
    require_promtool_accepts(text);
    CHECK(text == f.certa({"metrics"}).out);
    // Nothing but the target and the store's files is left in the directory.
    for (const auto& entry : std::filesystem::directory_iterator(f.dir.path())) {
        const std::string name = entry.path().filename().string();
        CHECK_MESSAGE((name == "certa.prom" || name.rfind("certa.db", 0) == 0), name);
    }
    SUBCASE("a target that cannot be replaced: exit 5, one line, no temp file left") {
        const std::string busy = f.dir.file("busy.prom");
        std::filesystem::create_directory(busy);  // rename(2) cannot replace a directory, even as root
        auto refused = f.certa({"metrics", "--textfile", busy});
        CHECK(refused.exit_code == 5);
        CHECK(line_count(refused.err) == 1);
        CHECK(std::filesystem::is_directory(busy));
        for (const auto& entry : std::filesystem::directory_iterator(f.dir.path()))
            CHECK_MESSAGE(entry.path().filename().string().find(".tmp-") == std::string::npos, entry.path());
        auto missing = f.certa({"metrics", "--textfile", f.dir.file("no/such/dir/certa.prom")});
        CHECK(missing.exit_code == 5);
        CHECK(line_count(missing.err) == 1);
    }
}

TEST_CASE("certa metrics: a missing store is an error (exit 3), not created") {
    TempDir dir;
    auto r = run_certa({"--store", dir.file("none.db"), "metrics"});
    CHECK(r.exit_code == 3);
    CHECK(line_count(r.err) == 1);
    CHECK_FALSE(std::filesystem::exists(dir.file("none.db")));
}

TEST_CASE("certa check: OK, WARNING, CRITICAL, UNKNOWN and their exit codes") {
    Fixture f;
    SUBCASE("OK") {
        // An hour of margin everywhere: whole days are rounded down.
        f.put("a.example", -kDay, 60 * kDay + 3600);
        f.put("b.example", -kDay, 90 * kDay);
        auto r = f.certa({"check"});
        CHECK(r.exit_code == 0);
        CHECK(r.out == "CERTA OK - 2 certificates, next expiry in 59 days (a.example)\n");
        CHECK(f.certa({"check", "--warn-days", "60"}).exit_code == 1);
    }
    SUBCASE("OK on an empty store") {
        auto r = f.certa({"check"});
        CHECK(r.exit_code == 0);
        CHECK(r.out == "CERTA OK - 0 certificates\n");
    }
    SUBCASE("WARNING: expiry within --warn-days") {
        f.put("a.example", -kDay, 60 * kDay);
        f.put("soon.example", -kDay, 6 * kDay + 3600);
        auto r = f.certa({"check", "--warn-days", "7"});
        CHECK(r.exit_code == 1);
        CHECK(r.out.rfind("CERTA WARNING - soon.example expires in 5 days; 2 certificates", 0) == 0);
        CHECK(f.certa({"check", "--warn-days", "3"}).exit_code == 0);
    }
    SUBCASE("WARNING: deploy pending") {
        f.store->set_deploy_pending(f.put("p.example", -kDay, 60 * kDay), true);
        auto r = f.certa({"check"});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("p.example deploy pending") != std::string::npos);
    }
    SUBCASE("CRITICAL: expired") {
        f.put("a.example", -kDay, 60 * kDay);
        f.put("old.example", -10 * kDay, 7 * kDay - 3600);
        auto r = f.certa({"check"});
        CHECK(r.exit_code == 2);
        CHECK(r.out.rfind("CERTA CRITICAL - old.example expired 3 days ago; 2 certificates", 0) == 0);
    }
    SUBCASE("CRITICAL: past the renewal time with failures recorded") {
        const auto id = f.put("fail.example", -50 * kDay, 90 * kDay);
        f.fail_renewal(id, 4, "cannot reach CA at https://127.0.0.1:1/dir: Couldn't connect to server", "network");
        auto r = f.certa({"check"});
        CHECK(r.exit_code == 2);
        CHECK(r.out.rfind("CERTA CRITICAL - fail.example renewal overdue, 4 failed attempts (network)", 0) == 0);
    }
    SUBCASE("UNKNOWN: no store, not a store, bad command line") {
        auto missing = run_certa({"--store", f.dir.file("none.db"), "check"});
        CHECK(missing.exit_code == 3);
        CHECK(missing.out.rfind("CERTA UNKNOWN - ", 0) == 0);
        CHECK(line_count(missing.out) == 1);
        CHECK_FALSE(std::filesystem::exists(f.dir.file("none.db")));
        write_file(f.dir.file("junk.db"), std::string(8192, 'x'));
        auto junk = run_certa({"--store", f.dir.file("junk.db"), "check"});
        CHECK(junk.exit_code == 3);
        CHECK(junk.out.rfind("CERTA UNKNOWN - ", 0) == 0);
        CHECK(f.certa({"check", "--warn-days", "soon"}).exit_code == 3);
        CHECK(f.certa({"check", "--no-such-flag"}).exit_code == 3);
    }
}
