#include "cli/Logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace certa::cli {

void setup_logging(const std::string& level) {
    // stdout is reserved for command output (and --json), logs go to stderr.
    auto logger = spdlog::stderr_logger_mt("certa");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S%z %^%l%$ %v");
    logger->set_level(spdlog::level::from_str(level));
    spdlog::set_default_logger(logger);
}

}  // namespace certa::cli
