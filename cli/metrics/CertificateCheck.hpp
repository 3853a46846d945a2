// `certa check`: the store's certificates judged the monitoring-plugin way
// (Nagios, Icinga, Sensu): one state and one summary line.
//   CRITICAL - a certificate has expired, its OCSP responder says revoked,
//              or it is past its renewal time with failed renewal attempts recorded;
//   WARNING  - a certificate expires within `warn_days`, or its deploy step
//              (export, hook) is still pending;
//   OK       - otherwise (also for a store without certificates).
#pragma once

#include "cli/metrics/StoreMetrics.hpp"

#include <string>
#include <vector>

namespace certa::cli {

// The plugin convention's states; `certa check` exits with these numbers.
enum class CheckState { Ok = 0, Warning = 1, Critical = 2, Unknown = 3 };

struct CheckResult {
    CheckState state = CheckState::Unknown;
    std::string line;   // "CERTA OK - 12 certificates, next expiry in 41 days (a.example)", no newline
};

CheckResult check_certificates(const std::vector<CertificateGauges>& certificates, storage::UnixTime now,
                               int warn_days);

// "CERTA UNKNOWN - <reason>" (the store cannot be used).
CheckResult check_unknown(const std::string& reason);

}  // namespace certa::cli
