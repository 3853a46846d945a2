// What `certa issue` prints: where each certificate is and how to look at it,
// as text or (--json) one JSON object.
#pragma once

#include "storage/StoreTypes.hpp"

#include <string>
#include <vector>

namespace certa::cli {

struct IssueFailure {
    std::string name;
    std::string error;  // one line
};

struct IssueReport {
    std::string store;  // location of the store
    // The hints' command: certa as invoked (./build/cli/certa, or certa from
    // $PATH), with --store PATH when the command was given one.
    std::vector<std::string> hint_command = {"certa"};
    std::vector<storage::CertificateRecord> issued;
    std::vector<IssueFailure> failed;
    std::vector<IssueFailure> deploy_failed;  // issued, but --deploy failed or is not live (still pending)
};

void print_issue_report(const IssueReport& report, bool json);

}  // namespace certa::cli
