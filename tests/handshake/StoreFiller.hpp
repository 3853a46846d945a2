// Puts test certificates into a real store (through the Store API, as acme/ does).
#pragma once

#include "storage/Store.hpp"

#include "tests/support/TestCertificates.hpp"
#include "TlsTestPeer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace certa::test {

struct PutResult {
    std::int64_t id = 0;
    TestCert cert;
};

// A self-signed certificate for `names` put as an active row (replacing
// `replaces` when set).
PutResult put_test_cert(storage::Store& store, const std::vector<std::string>& names,
                        const std::string& key_type = "ec256", std::optional<std::int64_t> replaces = {},
                        long not_before_offset_s = -60, long validity_s = 86400 * 30);

// The hex serial of a certificate in PEM (to tell renewals apart; see serial_of).
std::string serial_of_pem(const std::string& cert_pem);

}  // namespace certa::test
