// Reading what a plugin declares about itself — its sandbox manifest (ABI v1.1) and its config
// schema (v1.2) — without trusting it: a child confined with the empty grants (no network, no
// files but the plugin and its libraries, the full seccomp filter) loads the plugin and writes
// the answer to a pipe. Used by the worker before it confines itself (the grants must be known
// before the real load: Landlock can only ever narrow) and by `hearth-driver-host --describe`,
// which `hearthd --check-config` runs so that hearthd itself never loads plugin code.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

namespace hearth {

/// Returns {"name", "version", "manifest", "config_schema"} (strings; "" when the plugin declares
/// none) or {"error": "..."} when loading failed, crashed, hung past `deadline` or said nothing.
/// `close_in_child` (if >= 0) is closed in the child before the plugin loads. Call from a
/// single-threaded process (it forks).
nlohmann::json probe_plugin(const std::string& plugin_path, const std::string& plugin_name,
                            std::chrono::milliseconds deadline, int close_in_child = -1);

}  // namespace hearth
