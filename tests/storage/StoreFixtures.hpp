// Helpers shared by the storage tests: certificate inputs built from real
// test certificates, raw file access, and a child-process exit helper.
#pragma once

#include "TestFiles.hpp"

#include "TestCertificates.hpp"
#include "storage/Store.hpp"
#include "storage/StoreTypes.hpp"

#include <sys/types.h>

#include <string>

namespace certa::test {

// A CertificateInput for `cert` (names left empty: the store reads the SAN).
storage::CertificateInput input_for(const TestCert& cert, const std::string& key_type = "ec256");

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& bytes);
// Permission bits (st_mode & 0777); -1 when the file does not exist.
bool file_exists(const std::string& path);

// Schema version 9 (certificates.last_error_class): kFailureBeforeV9 is
// the SQL for a row that failed under version 8 (text, no class column);
// the store, opened at version 9 since, then reads it and writes the class
// "network" into it (row 1).
inline constexpr const char* kFailureBeforeV9 =
    "INSERT INTO certificates(key_type, key_pem, chain_pem, not_before, not_after, serial_hex, status, generation,"
    " created, updated, failures, last_error) VALUES ('ec256', 'k', 'c', 1, 2, '01', 'active', 1, 3, 3, 1,"
    " 'cannot reach CA at https://ca.test/dir: refused')";
struct FailureClassAfterV9 {
    std::string old_class, old_label;  // as migrated
    std::string new_class, new_label;  // after writing "network"
};
FailureClassAfterV9 failure_class_after_v9(storage::Store& store);

// Waits (bounded by `timeout_ms`) for `pid`; returns its exit code, or -1
// when it died from a signal or did not finish (it is then killed).
int wait_child(pid_t pid, int timeout_ms = 20000);

}  // namespace certa::test
