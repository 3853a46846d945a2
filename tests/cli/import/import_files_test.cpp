// `certa import --cert FULLCHAIN --key KEY`: one certificate from PEM files,
// served by `certa serve` in a real TLS handshake and listed by `certa list`;
// `certa renew` leaves it alone (skipped, with the reason) unless it was
// imported with --server and an account. Bad input: exit 6, store unchanged.
#include "tests/cli/import/ImportFixture.hpp"
#include "tests/handshake/ServeProcess.hpp"
#include "tests/support/TestCertificates.hpp"

using namespace certa;
using namespace certa::test;
using namespace certa::test::import;
using certa::test::cli::write_file;

TEST_CASE("a PEM certificate is imported, served in a TLS handshake, and left alone by certa renew") {
    TempDir dir;
    const std::string db = dir.file("certa.db");
    auto certa_run = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--store", db});
        return run_certa(args);
    };
    const TestCert ca = make_ca("import test CA");
    const TestCert leaf = make_issued({"files.example", "www.files.example"}, "ec256", ca);
    const TestCert other = make_issued({"files.example"}, "ec256", ca);
    write_file(dir.file("fullchain.pem"), leaf.chain_pem);
    write_file(dir.file("privkey.pem"), leaf.key_pem);
    write_file(dir.file("other.key"), other.key_pem);

    // The wrong key: refused before the store is touched (it is not even created).
    auto r = certa_run({"import", "--cert", dir.file("fullchain.pem"), "--key", dir.file("other.key")});
    CHECK(r.exit_code == 6);
    CHECK(contains(r.err, "certificate does not match its private key"));
    CHECK(certa::test::cli::line_count(r.err) == 1);
    CHECK_FALSE(std::filesystem::exists(db));

    r = certa_run({"import", "--cert", dir.file("fullchain.pem"), "--key", dir.file("privkey.pem")});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(contains(r.out, "imported 0 accounts and 1 certificate"));
    CHECK(contains(r.out, "not renewed by certa: imported from files without --server"));
    auto store = storage::open_store(db);
    const auto before = snapshot(*store);
    const auto row = store->find_active_certificate("www.files.example");
    REQUIRE(row);
    CHECK(row->key_pem == leaf.key_pem);
    CHECK(store->list_events(row->id, 10).front().kind == "imported");

    // Again, and a mismatched pair after a good import: nothing changes.
    r = certa_run({"import", "--cert", dir.file("fullchain.pem"), "--key", dir.file("privkey.pem")});
    CHECK(contains(r.out, "nothing to import"));
    r = certa_run({"import", "--cert", dir.file("fullchain.pem"), "--key", dir.file("other.key"), "--name", "files.example"});
    CHECK(r.exit_code == 6);
    CHECK(snapshot(*store) == before);

    // --server without a registered account for it: refused (exit 4), nothing written.
    r = certa_run({"import", "--cert", dir.file("fullchain.pem"), "--key", dir.file("privkey.pem"), "--server",
                   "https://127.0.0.1:1/dir"});
    CHECK(r.exit_code == 4);
    CHECK(contains(r.err, "no registered account for https://127.0.0.1:1/dir"));
    CHECK(snapshot(*store) == before);

    r = certa_run({"list"});
    CHECK(contains(r.out, "files.example"));

    // Served by the handshake daemon from the store.
    {
        ServeProcess serve(db, {});
        const RunResult hello = s_client(serve.port(), "www.files.example");
        const std::string served = first_pem(hello.out);
        REQUIRE(!served.empty());
        CHECK(served == first_pem(leaf.cert_pem));
    }

    // certa renew leaves it alone, says why, and does not fail the run.
    r = certa_run({"renew"});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "files.example: skipped (imported from files without --server"));
    r = certa_run({"renew", "--force"});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "skipped"));
    CHECK(store->find_active_certificate("files.example")->id == row->id);
}

TEST_CASE("a PEM certificate imported with --server and the store's account is renewed by certa") {
    ImportFixture f;
    auto r = f.certa({"account", "register", "--server", f.pebble.directory_url(), "--ca-bundle",
                      f.pebble.ca_bundle_path(), "--agree-tos"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const TestCert leaf = make_issued({"renewme.example"}, "rsa2048", make_ca());
    write_file(f.dir.file("cert.pem"), leaf.cert_pem);
    write_file(f.dir.file("chain.pem"), leaf.chain_pem.substr(leaf.cert_pem.size()));
    write_file(f.dir.file("key.pem"), leaf.key_pem);
    r = f.certa({"import", "--cert", f.dir.file("cert.pem"), "--chain", f.dir.file("chain.pem"), "--key",
                 f.dir.file("key.pem"), "--server", f.pebble.directory_url(), "--ca-bundle", f.pebble.ca_bundle_path(),
                 "--http-address", "127.0.0.1", "--http-port", f.port()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto store = f.store();
    const auto old = store->find_active_certificate("renewme.example");
    REQUIRE(old);
    CHECK(old->key_type == "rsa2048");
    r = f.certa({"renew", "--force"});
    REQUIRE_MESSAGE(r.exit_code == 0, (r.out + r.err));
    CHECK(contains(r.out, "renewme.example: renewed"));
    const auto renewed = store->find_active_certificate("renewme.example");
    REQUIRE(renewed);
    CHECK(renewed->serial_hex != old->serial_hex);
    CHECK(renewed->key_type == "rsa2048");
    CHECK(renewed->account_id == store->list_accounts().front().id);
    CHECK(store->list_accounts().size() == 1);
}
