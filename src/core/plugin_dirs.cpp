// The plugin search list (see plugin_dirs.hpp).
#include "core/plugin_dirs.hpp"

#include <algorithm>
#include <system_error>

#ifndef HEARTH_DEFAULT_PLUGIN_DIR
#define HEARTH_DEFAULT_PLUGIN_DIR "/usr/lib/hearth/plugins"
#endif

namespace hearth {

namespace fs = std::filesystem;

std::vector<std::string> default_plugin_dirs(const fs::path& exe, const std::string& compiled_in) {
    std::vector<std::string> dirs;
    auto add = [&dirs](const fs::path& dir) {
        const std::string d = dir.lexically_normal().string();
        if (!d.empty() && std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
    };
    if (!exe.empty()) {
        std::error_code ec;
        const fs::path own = exe.parent_path() / ".." / "lib" / "hearth" / "plugins";
        if (fs::is_directory(own, ec)) add(own);
    }
    add(compiled_in);
    add(local_plugin_dir);
    add(packaged_plugin_dir);
    return dirs;
}

std::vector<std::string> default_plugin_dirs() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return default_plugin_dirs(ec ? fs::path() : exe, HEARTH_DEFAULT_PLUGIN_DIR);
}

std::vector<std::string> plugin_search_dirs(const std::string& configured_dir) {
    if (!configured_dir.empty()) return {configured_dir};
    return default_plugin_dirs();
}

fs::path find_plugin(const std::vector<std::string>& dirs, const std::string& name) {
    const std::string file = name + ".so";
    for (const auto& dir : dirs) {
        std::error_code ec;
        fs::path candidate = fs::path(dir) / file;
        if (fs::exists(candidate, ec)) return candidate;
    }
    return dirs.empty() ? fs::path(file) : fs::path(dirs.front()) / file;
}

std::string describe_plugin_dirs(const std::vector<std::string>& dirs) {
    std::string out;
    for (const auto& d : dirs) {
        if (!out.empty()) out += ", ";
        out += d;
    }
    return out;
}

}  // namespace hearth
