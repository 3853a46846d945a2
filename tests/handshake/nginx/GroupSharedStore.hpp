// A certa store laid out the way certa-nginx(8) documents for nginx's
// www-data workers: root-owned, group www-data, mode 0640, in a 0750
// directory of group www-data (every parent searchable). The test process
// writes it as root, like `certa renew` would. Leaves are issued by a test CA
// whose certificate is written to ca.pem for openssl/curl to verify with.
#pragma once

#include "storage/Store.hpp"
#include "tests/support/TempDir.hpp"
#include "tests/support/TestCertificates.hpp"

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace certa::test {

class GroupSharedStore {
public:
    GroupSharedStore();

    const std::string& path() const { return path_; }
    const std::string& ca_file() const { return ca_file_; }
    const TestCert& ca() const { return ca_; }  // the test CA (certificate and key)
    storage::Store& store() { return *store_; }
    // Closes the test's connection (and reopens it with reopen()).
    void close() { store_.reset(); }
    void reopen();

    // A leaf for `names` issued by the test CA, stored as active.
    std::int64_t put(const std::vector<std::string>& names, const std::string& key_type = "ec256",
                     std::optional<std::int64_t> replaces = {});
    // Writes a PEM pair (certificate, key) under the fixture's directory.
    std::string write_file(const std::string& name, const std::string& text) const;
    std::string dir() const { return dir_.path().string(); }
    static uid_t www_data_uid();
    static gid_t www_data_gid();

private:
    TempDir dir_;
    std::string path_, ca_file_;
    TestCert ca_;
    std::unique_ptr<storage::Store> store_;
};

}  // namespace certa::test
