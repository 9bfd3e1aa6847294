// The seam between the core and one driver instance, whatever hosts it: a driver thread in
// hearthd (inproc_driver) or a supervised worker process (process_driver, the default; see
// docs/isolation.md). The core drives a driver through driver_link; a driver reaches the core
// through driver_events, always called on the core loop thread.
#pragma once

#include "core/device_model.hpp"
#include "core/enum_text.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace hearth {

/// Life-cycle state of one driver instance; spelled as in the "status" field of health and
/// bridge/info ("starting", "running", "restarting", "quarantined", "stopped").
enum class driver_state { starting, running, restarting, quarantined, stopped };

inline constexpr enum_names<driver_state, 5> driver_state_names{{{driver_state::starting, "starting"},
                                                                 {driver_state::running, "running"},
                                                                 {driver_state::restarting, "restarting"},
                                                                 {driver_state::quarantined, "quarantined"},
                                                                 {driver_state::stopped, "stopped"}}};

/// The wire spelling of `s`.
inline std::string_view to_string(driver_state s) { return name_of(driver_state_names, s); }

/// Checked parse of the wire spelling ("unknown driver state '...' (expected one of ...)").
inline result<driver_state> parse_driver_state(std::string_view text) {
    return parse_name(driver_state_names, text, "driver state");
}

/// Health figures of one driver instance (for the health request and bridge/info).
struct driver_status {
    std::string id;
    std::string plugin;
    std::string version;
    driver_state state = driver_state::starting;
    bool ready = false;
    std::uint64_t calls = 0;
    std::uint64_t errors = 0;
    std::string last_error;  ///< no secrets: driver-written text

    [[nodiscard]] nlohmann::json to_json() const {
        return {{"id", id},       {"plugin", plugin}, {"version", version}, {"status", std::string(to_string(state))},
                {"ready", ready}, {"calls", calls},   {"errors", errors},   {"last_error", last_error}};
    }
};

/// Events from a driver, delivered on the core loop thread.
class driver_events {
public:
    virtual ~driver_events() = default;
    virtual void on_device_registered(const std::string& driver, device_descriptor descriptor) = 0;
    virtual void on_device_removed(const std::string& driver, const std::string& device_id) = 0;
    virtual void on_state(const std::string& driver, const std::string& device_id, nlohmann::json state) = 0;
    virtual void on_event(const std::string& driver, const std::string& device_id, nlohmann::json event) = 0;
    virtual void on_availability(const std::string& driver, const std::string& device_id, bool online) = 0;
    /// Completion of a command sent with driver_link::send_command. `status` is a hearth_status.
    virtual void on_command_done(const std::string& driver, std::uint64_t command_id, int status,
                                 std::string message) = 0;
    virtual void on_ready(const std::string& driver) = 0;
    /// The plugin was loaded where it runs (a worker's "hello"): only links whose loads_later()
    /// is true call it, on every (re)load.
    virtual void on_loaded(const std::string& driver) { (void)driver; }
    /// The driver was quarantined: it gets no more calls; `reason` is one clear line.
    virtual void on_failed(const std::string& driver, const std::string& reason) = 0;
};

/// One driver instance as the core drives it. All methods are called on the core loop thread
/// and return promptly; results come back through driver_events.
class driver_link {
public:
    virtual ~driver_link() = default;
    [[nodiscard]] virtual const std::string& id() const = 0;
    /// Creates and starts the instance.
    virtual void start() = 0;
    /// Sends a validated command ({"command","params"} JSON). Completion: on_command_done.
    virtual void send_command(std::uint64_t command_id, const std::string& device_id, std::string command_json) = 0;
    /// Asks the driver to re-read a device.
    virtual void refresh(const std::string& device_id) = 0;
    /// Checks for hung calls; called periodically by the core. May quarantine the driver.
    virtual void check_health(std::chrono::steady_clock::time_point now) = 0;
    /// Stops and destroys the instance, waiting at most `budget`. Blocks the caller.
    virtual void stop(std::chrono::milliseconds budget) = 0;
    [[nodiscard]] virtual driver_status status() const = 0;
    [[nodiscard]] virtual bool usable() const = 0;  ///< false once quarantined or stopped
    /// True when the plugin is loaded after start() (in a worker process): the core announces
    /// `plugin_loaded` on driver_events::on_loaded, not when the link is created.
    [[nodiscard]] virtual bool loads_later() const { return false; }
};

}  // namespace hearth
