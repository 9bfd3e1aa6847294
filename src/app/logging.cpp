// Logging setup (see logging.hpp).
#include "app/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

namespace hearth {

bool valid_log_level(const std::string& level) {
    return level == "trace" || level == "debug" || level == "info" || level == "warn" || level == "error" ||
           level == "off";
}

void setup_logging(const std::string& level) {
    auto logger = spdlog::stderr_color_mt("hearthd");
    // Under systemd (no TTY) journald timestamps each line itself.
    if (::isatty(STDERR_FILENO) != 0)
        logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
    else
        logger->set_pattern("%-5l %v");
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
}

}  // namespace hearth
