// One driver instance of a dlopen()ed plugin, driven through a fake_host (part of hearth::testing):
// loads the plugin as hearthd does (never unloaded), runs create/start/handle_command/stop/destroy
// on the host's instance thread and keeps the plugin's error text. Between stop() and the next
// create() every host call but log() is recorded as a violation.
#pragma once

#include <hearth/plugin.h>
#include <hearth/testing/fake_host.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>

namespace hearth::testing {

/// The plugin table of the plugin at `path` (dlopen, never unloaded, like the host); null on
/// failure with the reason in `*error` when given (dlerror, missing entry point, ABI refused).
const hearth_plugin_v1_api* load_plugin(const std::string& path, std::string* error = nullptr);

class driver_instance {
public:
    /// Loads the plugin at `path` (never unloaded, like the host); null on failure.
    static const hearth_plugin_v1_api* load(const char* path) { return load_plugin(path); }

    /// `instance_id` is the id create() passes to the plugin.
    driver_instance(fake_host& host, const hearth_plugin_v1_api* plugin, std::string instance_id)
        : host_(host), plugin_(plugin), instance_id_(std::move(instance_id)) {}
    ~driver_instance() { stop_and_destroy(); }
    driver_instance(const driver_instance&) = delete;
    driver_instance& operator=(const driver_instance&) = delete;

    /// create(); returns false and sets error() on failure.
    bool create(const nlohmann::json& config);
    /// start(); returns the status and sets error().
    int start();
    /// create() then start(); true when both succeeded (error() says why not).
    bool create_and_start(const nlohmann::json& config);
    /// handle_command() with {"command": name, "params": params}; returns the status, sets error().
    int command(std::uint64_t id, const std::string& device, const std::string& name,
                const nlohmann::json& params = nlohmann::json::object());
    /// stop() (if started) and destroy() on the instance thread. Idempotent.
    void stop_and_destroy();

    [[nodiscard]] bool created() const { return driver_ != nullptr; }
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    fake_host& host_;
    const hearth_plugin_v1_api* plugin_;
    std::string instance_id_;
    hearth_driver* driver_ = nullptr;
    bool started_ = false;
    std::string error_;
};

}  // namespace hearth::testing
