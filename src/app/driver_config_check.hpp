// hearthd --check-config for driver configs: each driver's `config` against the JSON Schema its
// plugin declares (ABI v1.2), with errors located in the main config
// (`hearth.json: /drivers/3/config/tokn: unknown key 'tokn' (did you mean 'token'?)`).
#pragma once

#include "core/config.hpp"
#include "core/located_error.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace hearth {

/// Asks `driver_host --describe <plugin.so> <name>` what the plugin declares (the plugin is loaded
/// in a confined child there, never in this process). Returns the answer object, or
/// {"error": ...} when the driver host failed, hung (10 s) or answered garbage. Blocking; forks.
nlohmann::json describe_plugin(const std::string& driver_host, const std::string& plugin_path,
                               const std::string& plugin_name);

/// For every enabled driver whose plugin is found and trusted: asks the driver host for the
/// plugin's config schema and validates the driver's `config` against it. Problems with finding
/// the plugin are check_runtime_files's to report; this adds "cannot load plugin" and config
/// problems. Only for --check-config: at run time the worker refuses a bad config itself and
/// quarantines only that driver.
located_errors check_driver_configs(const config& cfg);

}  // namespace hearth
