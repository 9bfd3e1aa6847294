// Where hearthd looks for driver plugins (<plugin>.so): the configured plugins.dir alone, or by
// default a fixed, documented list (docs/operations.md, "Driver plugins"): the plugin directory
// of hearthd's own installation prefix, then /usr/local/lib/hearth/plugins (drivers installed with
// the SDK's `cmake --install`), then /usr/lib/hearth/plugins (the package's).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hearth {

/// Directory for drivers a user installs with the SDK (its default CMAKE_INSTALL_PREFIX).
inline constexpr const char* local_plugin_dir = "/usr/local/lib/hearth/plugins";
/// Directory of the Debian package's drivers.
inline constexpr const char* packaged_plugin_dir = "/usr/lib/hearth/plugins";

/// The default search list, in order and without duplicates: `<exe prefix>/lib/hearth/plugins`
/// when that directory exists (`exe` is the running hearthd), `compiled_in` (the build's install
/// prefix), local_plugin_dir, packaged_plugin_dir.
std::vector<std::string> default_plugin_dirs(const std::filesystem::path& exe, const std::string& compiled_in);

/// default_plugin_dirs() for the running process (/proc/self/exe, HEARTH_DEFAULT_PLUGIN_DIR).
std::vector<std::string> default_plugin_dirs();

/// Where to look: {configured_dir} when plugins.dir is set, else default_plugin_dirs().
std::vector<std::string> plugin_search_dirs(const std::string& configured_dir);

/// The file of plugin `name`: `<dir>/<name>.so` in the first of `dirs` that has it; when none has
/// it, the path in the first directory (so a "not found" message names a real candidate).
std::filesystem::path find_plugin(const std::vector<std::string>& dirs, const std::string& name);

/// "dir1, dir2, ..." for messages.
std::string describe_plugin_dirs(const std::vector<std::string>& dirs);

}  // namespace hearth
