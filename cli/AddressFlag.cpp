#include "cli/AddressFlag.hpp"

#include "cli/CliError.hpp"

#include <stdexcept>

namespace certa::cli {

storage::net::HostPort parse_address(const std::string& flag, const std::string& text) {
    try {
        return storage::net::HostPort::parse(text);
    } catch (const std::invalid_argument& e) {
        throw CliError(ExitCode::Usage, flag + ": " + e.what());
    }
}

}  // namespace certa::cli
