// Driver config checks of hearthd --check-config (see driver_config_check.hpp).
#include "app/driver_config_check.hpp"

#include "core/driver_schema.hpp"
#include "core/plugin_dirs.hpp"
#include "plugin/child_output.hpp"
#include "plugin/process_driver.hpp"
#include "sandbox/plugin_file.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <filesystem>

extern char** environ;

namespace hearth {

using json = nlohmann::json;

json describe_plugin(const std::string& driver_host, const std::string& plugin_path, const std::string& plugin_name) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return {{"error", "pipe: " + std::generic_category().message(errno)}};
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, p[1], STDOUT_FILENO);
    const char* argv[] = {driver_host.c_str(), "--describe", plugin_path.c_str(), plugin_name.c_str(), nullptr};
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, driver_host.c_str(), &actions, nullptr, const_cast<char* const*>(argv), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(p[1]);
    if (rc != 0) {
        ::close(p[0]);
        return {{"error", "cannot run " + driver_host + ": " + std::generic_category().message(rc)}};
    }
    const child_output out =
        collect_child_output(p[0], pid, std::chrono::milliseconds(10000), std::size_t{1024} * 1024);
    if (out.timed_out) return {{"error", driver_host + " --describe did not answer within 10 s"}};
    json answer = json::parse(out.text, nullptr, false);
    if (!answer.is_object()) return {{"error", driver_host + " --describe gave no answer"}};
    return answer;
}

located_errors check_driver_configs(const config& cfg) {
    located_errors errors;
    const std::string driver_host = find_driver_host();
    if (::access(driver_host.c_str(), X_OK) != 0) return errors;  // check_runtime_files says so
    const auto dirs = plugin_search_dirs(cfg.plugins.dir);
    for (std::size_t i = 0; i < cfg.drivers.size(); ++i) {
        const auto& d = cfg.drivers[i];
        const auto path = find_plugin(dirs, d.plugin);
        if (!d.enabled || !std::filesystem::exists(path)) continue;
        if (!sandbox::check_plugin_trust(path, ::geteuid(), ::getegid()).empty()) continue;
        const std::string at = "/drivers/" + std::to_string(i);
        const json described = describe_plugin(driver_host, path.string(), d.plugin);
        if (const auto e = described.find("error"); e != described.end()) {
            errors.push_back(
                {cfg.source, at + "/plugin",
                 "cannot load plugin '" + d.plugin + "': " + (e->is_string() ? e->get<std::string>() : "?")});
            continue;
        }
        const auto schema = described.find("config_schema");
        if (schema == described.end() || !schema->is_string()) continue;
        for (auto& e : check_driver_config(schema->get<std::string>(), d.config, cfg.source, at + "/config")) {
            errors.push_back(std::move(e));
        }
    }
    return errors;
}

}  // namespace hearth
