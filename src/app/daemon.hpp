// hearthd's wiring: config -> store restore -> gateway + drivers -> MQTT bridge, on one io_context
// run by one thread, with signal handling and an orderly shutdown within a time budget.
#pragma once

#include "core/config.hpp"

#include <string>
#include <vector>

namespace hearth {

/// Problems that --check-config reports beyond the config file itself (e.g. missing plugins).
located_errors check_runtime_files(const config& cfg);

/// Runs the daemon until SIGINT/SIGTERM. Returns the process exit code.
int run_daemon(const config& cfg);

}  // namespace hearth
