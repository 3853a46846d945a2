// Helpers shared by the storage tests: certificate inputs built from real
// test certificates, raw file access, and a child-process exit helper.
#pragma once

#include "TestCertificates.hpp"
#include "storage/StoreTypes.hpp"

#include <sys/types.h>

#include <string>

namespace certa::test {

// A CertificateInput for `cert` (names left empty: the store reads the SAN).
storage::CertificateInput input_for(const TestCert& cert, const std::string& key_type = "ec256");

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& bytes);
// Permission bits (st_mode & 0777); -1 when the file does not exist.
int file_mode(const std::string& path);
bool file_exists(const std::string& path);

// Waits (bounded by `timeout_ms`) for `pid`; returns its exit code, or -1
// when it died from a signal or did not finish (it is then killed).
int wait_child(pid_t pid, int timeout_ms = 20000);

}  // namespace certa::test
