// Logging setup for hearthd and hearthctl: one line per message on stderr (journald adds time
// and unit when run by systemd). Secrets are never passed to the logger in the first place.
#pragma once

#include <string>

namespace hearth {

/// True for trace|debug|info|warn|error|off.
bool valid_log_level(const std::string& level);

/// Configures the default spdlog logger for `level`.
void setup_logging(const std::string& level);

}  // namespace hearth
