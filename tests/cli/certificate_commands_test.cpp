// `certa list`, `certa show` and `certa export` on certificates put directly
// through the Store API.
#include "tests/cli/CliTestUtil.hpp"
#include "tests/support/TestCertificates.hpp"

#include <cpprest/json.h>
#include <doctest/doctest.h>

#include <ctime>
#include <filesystem>
#include <optional>

using namespace certa;
using namespace certa::test;
using namespace certa::test::cli;

namespace {

struct StoredCert {
    TestCert ca;
    TestCert leaf;
    storage::CertificateRecord record;
};

// Independent ISO-8601 UTC rendering to compare the CLI's output against.
std::string utc(storage::UnixTime t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

StoredCert put_issued(const TempDir& dir, std::vector<std::string> names,
                      std::optional<std::int64_t> replaces = std::nullopt) {
    StoredCert s;
    s.ca = make_ca("certa cli test CA");
    s.leaf = make_issued(names, "ec256", s.ca);
    auto store = storage::open_store(dir.file("certa.db"));
    storage::CertificateInput in;
    in.names = names;
    in.key_type = "ec256";
    in.key_pem = s.leaf.key_pem;
    in.chain_pem = s.leaf.chain_pem;
    in.server = "https://127.0.0.1:14000/dir";
    in.profile = "shortlived";
    in.replaces = replaces;
    auto id = store->put_certificate(in);
    store->add_event("issued", id, "test event detail");
    s.record = *store->get_certificate(id);
    return s;
}

}  // namespace

TEST_CASE("list on an empty store") {
    TempDir dir;
    auto text = certa_in(dir, {"list"});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("no certificates") != std::string::npos);

    auto json = certa_in(dir, {"list", "--json"});
    REQUIRE(json.exit_code == 0);
    auto v = web::json::value::parse(json.out);
    CHECK(v.at("certificates").is_array());
    CHECK(v.at("certificates").as_array().size() == 0);
}

TEST_CASE("list shows a stored certificate") {
    TempDir dir;
    auto s = put_issued(dir, {"www.example.test", "example.test"});

    auto text = certa_in(dir, {"list"});
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("www.example.test") != std::string::npos);
    CHECK(text.out.find("certa cli test CA") != std::string::npos);
    CHECK(text.out.find("active") != std::string::npos);
    CHECK(text.out.find("NOT AFTER") != std::string::npos);
    CHECK(text.out.find("PRIVATE KEY") == std::string::npos);

    auto json = certa_in(dir, {"list", "--json"});
    REQUIRE(json.exit_code == 0);
    auto certs = web::json::value::parse(json.out).at("certificates").as_array();
    REQUIRE(certs.size() == 1);
    const auto& c = certs.at(0);
    CHECK(c.at("id").as_number().to_int64() == s.record.id);
    CHECK(c.at("status").as_string() == "active");
    CHECK(c.at("issuer").as_string() == "certa cli test CA");
    CHECK(c.at("server").as_string() == "https://127.0.0.1:14000/dir");
    CHECK(c.at("names").as_array().size() == 2);
    CHECK(c.at("not_after").as_string() == utc(s.record.not_after));
    CHECK(c.at("not_before").as_string() == utc(s.record.not_before));
    CHECK(text.out.find(utc(s.record.not_after)) != std::string::npos);
    CHECK(c.at("renew_at").is_null());
    CHECK(c.at("last_error").is_null());
    CHECK(json.out.find("PRIVATE KEY") == std::string::npos);
}

TEST_CASE("list --all includes replaced certificates; show prefers the active one") {
    TempDir dir;
    auto old_cert = put_issued(dir, {"renewed.example.test"});
    auto new_cert = put_issued(dir, {"renewed.example.test"}, old_cert.record.id);

    auto active = certa_in(dir, {"list", "--json"});
    REQUIRE(active.exit_code == 0);
    auto rows = web::json::value::parse(active.out).at("certificates").as_array();
    REQUIRE(rows.size() == 1);
    CHECK(rows.at(0).at("id").as_number().to_int64() == new_cert.record.id);

    auto all = certa_in(dir, {"list", "--all", "--json"});
    REQUIRE(all.exit_code == 0);
    auto every = web::json::value::parse(all.out).at("certificates").as_array();
    REQUIRE(every.size() == 2);
    int replaced = 0;
    for (const auto& row : every)
        if (row.at("status").as_string() == "replaced") {
            ++replaced;
            CHECK(row.at("id").as_number().to_int64() == old_cert.record.id);
        }
    CHECK(replaced == 1);

    auto show = certa_in(dir, {"show", "renewed.example.test", "--json"});
    REQUIRE(show.exit_code == 0);
    CHECK(web::json::value::parse(show.out).at("serial").as_string() == new_cert.record.serial_hex);
}

TEST_CASE("show NAME prints one certificate without its key") {
    TempDir dir;
    auto s = put_issued(dir, {"show.example.test"});

    auto text = certa_in(dir, {"show", "Show.Example.Test."});  // normalized like the index
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("show.example.test") != std::string::npos);
    CHECK(text.out.find(s.record.serial_hex) != std::string::npos);
    CHECK(text.out.find("ec256") != std::string::npos);
    CHECK(text.out.find("shortlived") != std::string::npos);
    CHECK(text.out.find(s.record.ari_cert_id) != std::string::npos);
    CHECK(text.out.find("test event detail") != std::string::npos);
    CHECK(text.out.find("PRIVATE KEY") == std::string::npos);

    auto json = certa_in(dir, {"show", "show.example.test", "--json"});
    REQUIRE(json.exit_code == 0);
    auto v = web::json::value::parse(json.out);
    CHECK(v.at("serial").as_string() == s.record.serial_hex);
    CHECK(v.at("key_type").as_string() == "ec256");
    CHECK(v.at("profile").as_string() == "shortlived");
    CHECK(v.at("ari_cert_id").as_string() == s.record.ari_cert_id);
    REQUIRE(v.at("events").as_array().size() >= 1);
    CHECK(v.at("events").as_array().at(0).at("kind").as_string() == "issued");
    CHECK(json.out.find("PRIVATE KEY") == std::string::npos);
    CHECK(json.out.find("key_pem") == std::string::npos);
}

TEST_CASE("show / export of a missing name: one line, exit 4") {
    TempDir dir;
    put_issued(dir, {"present.example.test"});
    auto show = certa_in(dir, {"show", "absent.example.test"});
    CHECK(show.exit_code == 4);
    CHECK(line_count(show.err) == 1);
    CHECK(show.err.find("absent.example.test") != std::string::npos);
    CHECK(show.out.empty());

    auto exp = certa_in(dir, {"export", "absent.example.test", "--dir", dir.file("out")});
    CHECK(exp.exit_code == 4);
    CHECK(line_count(exp.err) == 1);
    CHECK_FALSE(std::filesystem::exists(dir.file("out")));
}

TEST_CASE("export writes the four PEM files with the right modes and contents") {
    TempDir dir;
    auto s = put_issued(dir, {"export.example.test"});
    const std::string out = dir.file("deep/out");

    auto r = certa_in(dir, {"export", "export.example.test", "--dir", out});
    REQUIRE(r.exit_code == 0);
    CHECK(file_mode(out) == 0700);
    CHECK(file_mode(out + "/privkey.pem") == 0600);
    CHECK(file_mode(out + "/cert.pem") == 0644);
    CHECK(file_mode(out + "/chain.pem") == 0644);
    CHECK(file_mode(out + "/fullchain.pem") == 0644);
    CHECK(read_file(out + "/privkey.pem") == s.leaf.key_pem);
    CHECK(read_file(out + "/cert.pem") == s.leaf.cert_pem);
    CHECK(read_file(out + "/chain.pem") == s.ca.cert_pem);
    CHECK(read_file(out + "/fullchain.pem") == s.leaf.cert_pem + s.ca.cert_pem);

    // A second export replaces the files in place and leaves no temp files behind.
    write_file(out + "/cert.pem", "stale");
    auto again = certa_in(dir, {"export", "export.example.test", "--dir", out});
    REQUIRE(again.exit_code == 0);
    CHECK(read_file(out + "/cert.pem") == s.leaf.cert_pem);
    std::size_t entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(out)) {
        (void)e;
        ++entries;
    }
    CHECK(entries == 4);

    // The export is recorded in the audit trail.
    auto store = storage::open_store(dir.file("certa.db"));
    auto events = store->list_events(s.record.id, 10);
    CHECK(std::any_of(events.begin(), events.end(), [](const auto& e) { return e.kind == "exported"; }));
}

TEST_CASE("export into a path that is a file fails with exit 5") {
    TempDir dir;
    put_issued(dir, {"file.example.test"});
    write_file(dir.file("plain"), "x");
    auto r = certa_in(dir, {"export", "file.example.test", "--dir", dir.file("plain")});
    CHECK(r.exit_code == 5);
    CHECK(line_count(r.err) == 1);
    CHECK(read_file(dir.file("plain")) == "x");
}

TEST_CASE("export modes do not depend on the umask") {
    TempDir dir;
    auto s = put_issued(dir, {"umask.example.test"});
    for (mode_t mask : {mode_t{0}, mode_t{0277}}) {
        const std::string out = dir.file("out-" + std::to_string(mask) + "/sub");
        // The child inherits this process's umask.
        const mode_t previous = ::umask(mask);
        auto r = certa_in(dir, {"export", "umask.example.test", "--dir", out});
        ::umask(previous);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        CHECK(file_mode(out) == 0700);
        CHECK(file_mode(dir.file("out-" + std::to_string(mask))) == 0700);
        CHECK(file_mode(out + "/privkey.pem") == 0600);
        CHECK(file_mode(out + "/fullchain.pem") == 0644);
        CHECK(read_file(out + "/privkey.pem") == s.leaf.key_pem);
    }
}
