// `certa serve --user NAME`: after every socket is bound (ports below 1024
// need root) and the store is open, the process gives up root before it
// parses a single ClientHello: supplementary groups, then gid, then uid.
#pragma once

#include <string>

namespace certa::cli {

// Becomes `user` for good. Throws CliError: Usage for an unknown user,
// Failure when not root (unless already that user), when a step fails, or
// when root could be regained afterwards: serve then stops instead of
// running on as root.
void drop_privileges(const std::string& user);

}  // namespace certa::cli
