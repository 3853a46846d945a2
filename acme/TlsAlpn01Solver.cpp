#include "acme/TlsAlpn01Solver.hpp"

#include "acme/TlsAlpnChallengeCertificate.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace certa::acme {

TlsAlpn01Solver::TlsAlpn01Solver(storage::Store& store, long row_lifetime_s)
    : rows_(store, row_lifetime_s) {}

void TlsAlpn01Solver::present(const Identifier& identifier, const std::string& token,
                              const std::string& key_authorization) {
    // RFC 8737 §3: not usable for wildcard identifiers.
    if (identifier.is_wildcard()) throw std::runtime_error("tls-alpn-01 cannot validate a wildcard name (use dns-01)");
    auto made = TlsAlpnChallengeCertificate::create(identifier, key_authorization);
    storage::Challenge row;
    row.type = storage::ChallengeType::TlsAlpn01;
    row.identifier = identifier.value;
    row.token = token;
    row.key_authorization = key_authorization;
    row.cert_pem = std::move(made.cert_pem);
    row.key_pem = std::move(made.key_pem);
    rows_.put(std::move(row));
}

void TlsAlpn01Solver::cleanup(const Identifier& identifier, const std::string& token, const std::string&) noexcept {
    try {
        rows_.remove(token);
    } catch (const std::exception& e) {
        spdlog::warn("tls-alpn-01 cleanup for {} failed: {}", identifier.value, e.what());
    }
}

}  // namespace certa::acme
