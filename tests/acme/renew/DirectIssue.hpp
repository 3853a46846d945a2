// A first certificate for the renewal tests, issued in process with the
// Issuer (http-01 through a responder that lives for the issuance only).
#pragma once

#include "acme/challenge/ChallengeSetup.hpp"
#include "acme/issue/Issuer.hpp"

#include <string>

namespace certa::test {

inline storage::CertificateRecord issue_directly(storage::Store& store, const acme::IssueSettings& settings,
                                                 const std::string& name) {
    acme::AcmeClient client(settings.server, acme::HttpOptions{settings.ca_bundle});
    auto responder = acme::start_http_responder(settings, store);
    auto solver = acme::make_solver(settings, store);
    acme::RegisterOptions account;
    account.agree_tos = true;
    acme::Issuer issuer(store, client, *solver, account);
    return issuer.issue(acme::parse_identifiers({name}), settings);
}

}  // namespace certa::test
