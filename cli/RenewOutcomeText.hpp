// One renewal outcome as the line `certa renew` prints and `certa worker`
// logs: "NAME: renewed (expires ...)", "NAME: failed: ...", and so on.
#pragma once

#include "acme/renew/Renewer.hpp"

#include <string>

namespace certa::cli {

std::string text_line(const acme::RenewOutcome& o);

}  // namespace certa::cli
