// Persistence glue between the gateway and the SQLite store: restores devices and their last
// state before drivers start, writes state changes in batches (commit interval), appends events,
// runs incremental purge and scheduled backups on the loop, and serves the "backup" and "history"
// bridge requests and the storage part of health.
//
// Thread: loop thread only (the store is not thread-safe and is owned here).
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "app/query_worker.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/gateway.hpp"
#include "mqtt/bridge.hpp"
#include "store/store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <set>
#include <thread>

namespace hearth {

class energy_cache;
struct energy_findings;

/// Bounds of one `history` answer (docs/mqtt-api.md).
inline constexpr std::int64_t max_history_points = 10000;
inline constexpr std::size_t max_history_answer_bytes = std::size_t{1} << 20;

class persistence final : public gateway_observer {
public:
    /// Opens the store (may recover it from a backup; see store::open). Throws on a database that
    /// cannot be used (newer schema, failed migration): the daemon must not start then.
    /// `energy`: tariffs and the whole-home meter for the `energy` request (docs/energy.md).
    persistence(boost::asio::io_context& loop, const clock_source& clock, const database_config& cfg,
                energy_config energy = {});
    ~persistence() override;
    persistence(const persistence&) = delete;
    persistence& operator=(const persistence&) = delete;

    /// Seeds the gateway with stored devices and their last state.
    void restore_into(gateway& gw);

    /// Starts the commit, purge and backup timers and registers bridge requests.
    void start(mqtt::bridge* bridge);

    /// Flushes everything and closes the database.
    void stop();

    [[nodiscard]] store& db() { return *store_; }
    /// Also hands every activity-log entry to `listener` (on the loop, before it is queued for
    /// the store): the care monitor's live feed. Replaces any previous listener; {} removes it.
    void set_activity_listener(std::function<void(const activity_record&)> listener) {
        activity_listener_ = std::move(listener);
    }
    [[nodiscard]] const open_report& report() const { return store_->report(); }
    [[nodiscard]] nlohmann::json health();

    void on_device_added(const device_entry& device) override;
    void on_device_updated(const device_entry& device) override;
    void on_device_removed(const std::string& device_id) override;
    void on_device_renamed(const device_entry& device) override;
    void on_state_changed(const device_entry& device, const nlohmann::json& changed) override;
    void on_device_event(const device_entry& device, const nlohmann::json& event) override;
    /// Records the command in the activity log (docs/proactive.md), without any lock code.
    void on_command_sent(const device_entry& device, const device_command& command,
                         const command_source& source) override;

private:
    /// The one place an activity-log entry is made: to the listener, then queued for the store.
    void record_activity(activity_record record);
    /// Rows per commit transaction: a slice takes a few ms, then the loop runs other work.
    static constexpr std::size_t k_commit_slice_rows = 500;
    void install_history_request(mqtt::bridge& bridge);
    /// Flushes, then runs `query` on the query thread (an exception becomes the answer "<what>
    /// query failed: ..."), and posts the answer to `reply` on the loop; "busy" when 4 wait.
    void run_query(const std::string& what, std::function<mqtt::request_reply()> query,
                   const std::function<void(mqtt::request_reply)>& reply);
    /// The `energy` request (energy_request.cpp): checked arguments, the query on history_worker_.
    void install_energy_request(mqtt::bridge& bridge);
    /// The `energy_findings` request and the hourly evaluation that publishes each new finding
    /// once as a `bridge/event` (energy_findings_request.cpp, docs/energy.md "Findings").
    void install_energy_findings(mqtt::bridge& bridge);
    void arm_findings(std::chrono::milliseconds after);
    /// Loop thread: publishes the findings not published before and remembers them (meta).
    void publish_new_findings(const energy_findings& found, time_ms now);
    /// Every 5 minutes (first 5 s after start): today's and this month's kWh and cost per device,
    /// computed on the query thread, published on `<base>/<id>/energy` for the Home Assistant
    /// sensors (energy_sensors_timer.cpp).
    void arm_energy_states(std::chrono::milliseconds after);
    void arm_commit(std::chrono::milliseconds after);
    void arm_purge(std::chrono::milliseconds after);
    void arm_backup(std::chrono::milliseconds after);

    boost::asio::io_context& loop_;
    const clock_source& clock_;
    database_config cfg_;
    energy_config energy_;
    /// Priced days kept between `energy` answers; used only on the query thread.
    std::shared_ptr<energy_cache> energy_cache_;
    std::unique_ptr<store> store_;
    boost::asio::steady_timer commit_timer_;
    boost::asio::steady_timer purge_timer_;
    boost::asio::steady_timer backup_timer_;
    boost::asio::steady_timer findings_timer_;
    boost::asio::steady_timer energy_states_timer_;
    mqtt::bridge* bridge_ = nullptr;
    /// finding_key()s published as events and still found (kept in meta across restarts).
    std::optional<std::set<std::string>> published_findings_;
    /// The scheduled backup's copy runs here, off the loop: copying and fsyncing a large database
    /// took ~0.7 s, long enough for drivers' state reports to be merged while the loop was blocked.
    std::thread backup_thread_;
    /// `history` queries run here, on a read-only connection of their own (docs/mqtt-api.md).
    query_worker history_worker_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::function<void(const activity_record&)> activity_listener_;
    std::uint64_t write_errors_ = 0;
    bool stopped_ = false;
};

}  // namespace hearth
