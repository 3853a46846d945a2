// How certificate rows are shown: JSON objects (cpprest web::json) for --json
// and the fields the text tables print. Never includes the private key.
#pragma once

#include "storage/StoreTypes.hpp"

#include <cpprest/json.h>

#include <string>
#include <vector>

namespace certa::cli {

// The issuer of the leaf (its CN, else the full RFC 2253 name); "" if unparsable.
std::string leaf_issuer(const std::string& chain_pem);

// "a.example,b.example"
std::string join_names(const std::vector<std::string>& names, const std::string& separator = ",");

// The ordered CA list recorded with the certificate (its settings: every
// --server given, tried in order); the row's own CA when none is recorded.
std::vector<std::string> recorded_ca_list(const storage::CertificateRecord& cert);

// The fields `certa list --json` shows for one row.
web::json::value certificate_summary_json(const storage::CertificateRecord& cert);

// Everything `certa show --json` shows: the summary plus serial, AKI, ARI
// state, profile, renewal bookkeeping and the given events.
web::json::value certificate_detail_json(const storage::CertificateRecord& cert,
                                         const std::vector<storage::Event>& events);

}  // namespace certa::cli
