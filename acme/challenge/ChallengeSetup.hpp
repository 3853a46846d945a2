// Builds what an order needs to answer its challenges from IssueSettings: the
// solver, and for http-01 without a webroot a standalone Http01Responder.
// Shared by `certa issue` and renewal.
#pragma once

#include "acme/challenge/ChallengeSolver.hpp"
#include "acme/challenge/Http01Responder.hpp"
#include "acme/request/IssueSettings.hpp"
#include "storage/Store.hpp"

#include <memory>

namespace certa::acme {

std::unique_ptr<ChallengeSolver> make_solver(const IssueSettings& settings, storage::Store& store);

// For http-01 without --webroot: a responder on http_address:http_port. When
// the port is already taken, logs that another responder reading the store
// (`certa serve --http`) is relied upon and returns null. Other failures
// (permission denied on port 80, bad address) throw Http01ResponderError.
std::unique_ptr<Http01Responder> start_http_responder(const IssueSettings& settings, storage::Store& store);

}  // namespace certa::acme
