// The MQTT bridge: implements the v1 topic contract (docs/mqtt-api.md) on top of the gateway.
// Outgoing: retained state snapshots, availability, device events, camera snapshots, bridge
// state/info/devices/events/health and Home Assistant discovery. Incoming: /set, /set/<property>,
// /get and bridge requests, each answered on its response topic with the caller's transaction.
// Services outside the bridge (store, rules) add their bridge requests through add_request().
//
// Thread: construct, call and destroy on the loop thread.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "core/config.hpp"
#include "core/gateway.hpp"
#include "core/loop_thread.hpp"
#include "mqtt/mqtt_link.hpp"
#include "mqtt/topics.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace hearth::mqtt {

/// Answer to a bridge request: ok + data, or an error message.
struct request_reply {
    bool ok = true;
    nlohmann::json data;
    std::string error;
    static request_reply success(nlohmann::json d = nullptr) { return {true, std::move(d), {}}; }
    static request_reply failure(std::string why) { return {false, nullptr, std::move(why)}; }
};

/// Handles one bridge request; replies through `reply` exactly once (maybe later).
using request_handler = std::function<void(const nlohmann::json& args, std::function<void(request_reply)> reply)>;

struct bridge_options {
    std::string version;                                    ///< hearthd version
    std::size_t max_snapshot_bytes = 1 << 20;               ///< camera JPEGs larger than this are dropped
    std::chrono::milliseconds snapshot_min_interval{1000};  ///< per camera
    std::chrono::milliseconds health_interval{60000};
    std::size_t discovery_per_tick = 25;  ///< discovery rate limit: configs per 100 ms
    /// Inbound size limits (bytes), checked before anything is parsed (docs/mqtt-api.md).
    std::size_t max_set_bytes = std::size_t{64} * 1024;        ///< /set, /set/<property>, /get, HA status
    std::size_t max_request_bytes = std::size_t{1024} * 1024;  ///< bridge requests
    std::function<nlohmann::json()> extra_health;              ///< store/rules figures merged into health
    /// Discovery hash persistence (optional): get/set the last published hash per device.
    std::function<std::optional<std::string>(const std::string&)> load_discovery_hash;
    std::function<void(const std::string&, const std::string&)> save_discovery_hash;
};

class bridge final : public gateway_observer {
public:
    bridge(boost::asio::io_context& loop, gateway& gw, const config& cfg, bridge_options options);
    ~bridge() override;
    bridge(const bridge&) = delete;
    bridge& operator=(const bridge&) = delete;

    /// Registers a bridge request handler (e.g. "backup", "rules"). Replaces a built-in one.
    void add_request(const std::string& name, request_handler handler);

    /// Connects and starts publishing.
    void start();

    /// Publishes bridge/state offline, flushes and disconnects within `budget`.
    void stop(std::chrono::milliseconds budget);

    /// Runs bridge request `name` with its raw payload exactly as if it had arrived over MQTT
    /// (size limit, depth-checked parse, handler) and hands the response object
    /// ({"status", "data"/"error", "transaction"}) to `done`, maybe later. Never throws: a handler
    /// that throws is answered with an error. Used by handle_message, tests and the fuzz target.
    void run_request(const std::string& name, const std::string& payload,
                     const std::function<void(nlohmann::json response)>& done);

    /// Names of the registered bridge requests.
    [[nodiscard]] std::vector<std::string> request_names() const;

    /// Publishes a bridge event (also used by rules for notify) and hands it to every event tap.
    void publish_bridge_event(const nlohmann::json& event);
    /// Adds a tap that sees every bridge event published from now on (the uplink forwards care
    /// alerts). Loop thread; the tap must not publish bridge events of the types it forwards.
    void add_event_tap(std::function<void(const nlohmann::json&)> tap) { event_taps_.push_back(std::move(tap)); }
    /// Publishes the energy sensor values (docs/energy.md, "Home Assistant sensors") of every
    /// device that reports energy data, retained on `<base>/<id>/energy`: its entry of `states`,
    /// else `zero` (it used nothing yet). Only changed payloads are sent; all again on every
    /// connect; cleared with the device. Loop thread.
    void publish_energy_states(const std::map<std::string, nlohmann::json>& states, const nlohmann::json& zero);

    [[nodiscard]] nlohmann::json health() const;
    [[nodiscard]] link_stats link() const { return link_->stats(); }

    // gateway_observer
    void on_device_added(const device_entry& device) override;
    void on_device_updated(const device_entry& device) override;
    void on_device_removed(const std::string& device_id) override;
    void on_state_changed(const device_entry& device, const nlohmann::json& changed) override;
    void on_availability_changed(const device_entry& device) override;
    void on_device_event(const device_entry& device, const nlohmann::json& event) override;
    void on_bridge_event(const nlohmann::json& event) override;

private:
    loop_thread_check loop_thread_;  ///< debug builds: the loop-thread-only methods assert on it

    void publish_everything();
    void publish_info();
    void schedule_devices_list();
    void publish_device(const device_entry& device);
    void publish_state(const device_entry& device);
    void publish_availability(const device_entry& device);
    void queue_discovery(const std::string& device_id, bool force);
    void drain_discovery();
    void publish_snapshot(const device_entry& device, const nlohmann::json& event);
    void arm_health();
    void arm_lag_probe();

    void handle_message(const inbound_message& msg);
    void handle_set(const std::string& device_id, const std::string& property, const inbound_message& msg);
    void handle_get(const std::string& device_id);
    void handle_request(const std::string& name, const inbound_message& msg);
    /// Publishes an answer; `transaction` (string or integer, as the caller sent it) is echoed
    /// unless null.
    void respond(const std::string& topic, const nlohmann::json& transaction, bool ok, const std::string& error,
                 const nlohmann::json& data = nullptr);
    void publish_json(const std::string& topic, const nlohmann::json& payload, bool retained);
    bool refuse_oversized(const inbound_message& msg, std::size_t limit, const std::string& reply_topic);
    void schedule_trim();
    void install_builtin_requests();

    boost::asio::io_context& loop_;
    gateway& gw_;
    const config& cfg_;
    bridge_options options_;
    topic_scheme topics_;
    std::unique_ptr<mqtt_link> link_;
    std::map<std::string, request_handler> requests_;
    std::vector<std::function<void(const nlohmann::json&)>> event_taps_;
    std::set<std::string> discovery_pending_;  // device ids waiting for a discovery publish
    std::set<std::string> discovery_forced_;
    std::map<std::string, std::string> discovery_hash_;  // last published this run
    std::map<std::string, std::chrono::steady_clock::time_point> last_snapshot_;
    std::map<std::string, std::string> energy_states_;  // device id -> last `/energy` payload
    boost::asio::steady_timer discovery_timer_;
    boost::asio::steady_timer devices_timer_;
    boost::asio::steady_timer birth_timer_;
    boost::asio::steady_timer health_timer_;
    boost::asio::steady_timer lag_timer_;
    boost::asio::steady_timer trim_timer_;  // hands memory back after an oversized message
    bool discovery_timer_armed_ = false;
    bool devices_timer_armed_ = false;
    bool connected_before_ = false;  // a later connect is a reconnect: discovery is forced
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point lag_expected_;
    std::chrono::microseconds loop_lag_{0};
    std::chrono::microseconds loop_lag_max_{0};
    std::uint64_t refused_messages_ = 0;
    std::uint64_t oversized_messages_ = 0;  // refused for their size, before parsing
    std::uint64_t failed_requests_ = 0;     // handlers that threw (answered with an error)
    std::uint64_t snapshots_dropped_ = 0;
    std::mt19937 rng_{std::random_device{}()};
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace hearth::mqtt
