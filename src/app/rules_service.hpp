// Rules glue between the gateway, the store, the MQTT bridge and the sans-I/O rules engine.
//
// Lifecycle: constructed after the store restored devices into the gateway; start() registers the
// bridge requests and hands the engine the pending timers of the previous process. Nothing runs
// until on_drivers_ready(): then the scene files are loaded (checked against every known device),
// stored, and the engine starts (catch-up, "start" triggers, resumed delays/waits). If the scene
// files are invalid at that point, the last good set stored in the database runs instead.
// Afterwards state changes and device events feed the engine; its effects become gateway commands
// (source {"rule", id}), bridge events (notify, rule_failed), store writes (enabled flags, pending
// timers, traces), and one steady_timer armed for the engine's next deadline (re-armed at least
// every minute, so a wall-clock step is noticed). reload() swaps the rule set atomically.
//
// Thread: loop thread only (constructor, observers, bridge requests, timers).
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/gateway.hpp"
#include "mqtt/bridge.hpp"
#include "rules/engine.hpp"
#include "rules/scene_loader.hpp"
#include "store/store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hearth {

class rules_service final : public gateway_observer {
public:
    /// References must outlive the service. Nothing is loaded or run yet.
    rules_service(boost::asio::io_context& loop, const clock_source& clock, gateway& gw, store& db, const config& cfg);
    ~rules_service() override;
    rules_service(const rules_service&) = delete;
    rules_service& operator=(const rules_service&) = delete;

    /// Registers the bridge requests (if `bridge` is given) and restores pending timers from the
    /// store. Call after the store restored devices into the gateway, before drivers start.
    void start(mqtt::bridge* bridge);

    /// Re-reads the scene directory and swaps the rule set atomically. Returns every problem; when
    /// there is any, the running set is left unchanged. (SIGHUP and the config/reload request.)
    located_errors reload();

    /// Checks the scene directory of `cfg` without devices (hearthd --check-config).
    static located_errors check_scene_dir(const config& cfg);

    /// Activates scene `id` (its commands from source "rule", who "scene:<id>"), traces it as the
    /// scene's last activation, and calls `reply` once every command answered: success when all
    /// succeeded, else the errors; at once for an unknown scene. On the loop thread.
    void activate_scene(const std::string& id, const std::function<void(mqtt::request_reply)>& reply);

    /// Cancels the timer and records when rules last ran (for catch-up). Idempotent.
    void stop();

    [[nodiscard]] nlohmann::json health() const;
    [[nodiscard]] const rules::engine& engine() const { return engine_; }

    void on_device_added(const device_entry& device) override;
    void on_device_updated(const device_entry& device) override;
    void on_state_changed(const device_entry& device, const nlohmann::json& changed) override;
    void on_device_event(const device_entry& device, const nlohmann::json& event) override;
    void on_drivers_ready() override;

private:
    rules::load_options load_options(bool with_devices) const;
    std::optional<rules::rule_set> stored_rule_set();
    std::map<std::string, bool> stored_enabled();
    void store_rule_set(const rules::rule_set& set);
    void apply(const rules::effects& effects);
    void execute(const rules::effect& e);
    void arm_timer();
    void arm_heartbeat();
    void publish(const nlohmann::json& event);
    void register_requests();
    /// Closes and stores the trace of a scene activation; it becomes the scene's last activation.
    void record_activation(const std::string& scene, nlohmann::json trace, const std::string& errors);
    /// The last activation of `scene` (its trace, or null): from memory, else from the store.
    const nlohmann::json& last_activation(const std::string& scene);

    boost::asio::io_context& loop_;
    const clock_source& clock_;
    gateway& gw_;
    store& db_;
    const config& cfg_;
    mqtt::bridge* bridge_ = nullptr;
    rules::engine engine_;
    std::map<std::string, nlohmann::json> last_state_;  ///< device -> state as last seen (old values)
    boost::asio::steady_timer timer_;
    boost::asio::steady_timer heartbeat_;
    std::map<std::string, nlohmann::json> last_activation_;  ///< scene -> trace of its last activation
    std::uint64_t scene_runs_ = 0;
    std::uint64_t store_errors_ = 0;
    bool stopped_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace hearth
