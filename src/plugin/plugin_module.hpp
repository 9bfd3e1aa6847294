// Loading a driver plugin shared library and negotiating ABI v1 with it.
//
// dlopen(RTLD_NOW | RTLD_LOCAL) so missing symbols fail at load and plugins cannot interpose on
// each other; the handle is never dlclose'd (code of a plugin may still be on a detached thread's
// stack, and static destructors of C++ plugins are a classic source of crashes at unload).
// Negotiation: entry symbol `hearth_plugin_v1`, major 1, struct_size at least the v1.0 size, any
// larger tail all zero, required entries non-NULL, a valid name matching the configured one.
#pragma once

#include "core/result.hpp"

#include <hearth/plugin.h>

#include <filesystem>
#include <memory>
#include <string>

namespace hearth {

/// A loaded and negotiated plugin. Lives for the rest of the process.
struct plugin_module {
    std::string path;
    std::string name;
    std::string version;
    std::string description;
    std::string manifest;        ///< the v1.1 sandbox manifest (JSON text), "" when none
    std::string config_schema;   ///< the v1.2 JSON Schema of the driver's config, "" when none
    hearth_plugin_v1_api api{};  ///< our copy, only the fields this host knows
};

/// Loads the plugin at `path`. If `expected_name` is not empty, the plugin must carry that name.
/// The error is one line: what is wrong with the plugin file (it names the file).
/// Thread: any (dlopen is thread-safe); called by the core at start.
result<std::shared_ptr<const plugin_module>> load_plugin(const std::filesystem::path& path,
                                                         const std::string& expected_name);

/// The file a plugin named `name` is expected at inside `dir` (`<dir>/<name>.so`).
std::filesystem::path plugin_path(const std::filesystem::path& dir, const std::string& name);

}  // namespace hearth
