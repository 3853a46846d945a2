// --preferred-chain against Pebble with an alternate root
// (PEBBLE_ALTERNATE_ROOTS=1): the chain offered as Link rel="alternate" is
// stored when its top certificate's issuer CN matches.
#include "IssueFixture.hpp"
#include "acme/issue/ChainSelector.hpp"
#include "storage/base/OpenSsl.hpp"

#include <doctest/doctest.h>

using namespace certa;
using certa::test::describe;
using certa::test::IssueFixture;

namespace {

std::string subject_cn(const std::string& pem) {
    auto certs = ossl::parse_chain_pem(pem);
    REQUIRE(certs.size() == 1);
    char buf[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(certs[0].get()), NID_commonName, buf, sizeof buf);
    return buf;
}

std::string root_pem(const IssueFixture& f, int index) {
    auto r = test::run({"curl", "-sSf", "--max-time", "10", "--cacert", f.pebble.ca_bundle_path(),
                        f.pebble.management_url() + "/roots/" + std::to_string(index)});
    REQUIRE(r.exit_code == 0);
    return r.out;
}

}  // namespace

TEST_CASE("--preferred-chain picks the alternate chain by its root's CN; default otherwise") {
    test::PebbleOptions options;
    options.env["PEBBLE_ALTERNATE_ROOTS"] = "1";
    IssueFixture f(options);
    const std::string default_root = subject_cn(root_pem(f, 0));
    const std::string alternate_root = subject_cn(root_pem(f, 1));
    REQUIRE(default_root != alternate_root);

    auto r = f.issue({"-d", "default-chain.example"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    auto store = f.open();
    CHECK(acme::top_issuer_cn(store->find_active_certificate("default-chain.example")->chain_pem) == default_root);

    r = f.issue({"-d", "alt-chain.example", "--preferred-chain", alternate_root});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    auto alt = store->find_active_certificate("alt-chain.example");
    REQUIRE(alt);
    CHECK(acme::top_issuer_cn(alt->chain_pem) == alternate_root);
    CHECK(alt->settings_json.find(alternate_root) != std::string::npos);

    // An unknown CN falls back to the default chain (with a warning), not an error.
    r = f.issue({"-d", "nomatch-chain.example", "--preferred-chain", "No Such Root"});
    REQUIRE_MESSAGE(r.exit_code == 0, describe(r));
    CHECK(acme::top_issuer_cn(store->find_active_certificate("nomatch-chain.example")->chain_pem) == default_root);
}
