// The gateway: the core's hub on the loop thread. It owns the device registry and the driver
// links, turns driver reports into registry diffs, dispatches validated commands to drivers and
// tells observers (MQTT bridge, store, rules) about everything that changed.
//
// Thread: every public method must be called on the loop thread; observers are called there too.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "core/clock.hpp"
#include "core/command.hpp"
#include "core/config.hpp"
#include "core/driver_link.hpp"
#include "core/lock_policy.hpp"
#include "core/lock_store.hpp"
#include "core/loop_thread.hpp"
#include "core/registry.hpp"
#include "core/report_guard.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace hearth {

/// Where a command came from (for logs and the audit log).
struct command_source {
    std::string kind = "mqtt";  ///< mqtt | rule | hearthctl | internal
    std::string who;            ///< client id, rule id, ...
};

/// Receives what happens in the core. Default implementations ignore everything.
class gateway_observer {
public:
    virtual ~gateway_observer() = default;
    virtual void on_device_added(const device_entry& /*device*/) {}
    virtual void on_device_updated(const device_entry& /*device*/) {}  ///< descriptor replaced
    virtual void on_device_removed(const std::string& /*device_id*/) {}
    /// A user renamed the device (device/rename): the name is the user's from now on.
    virtual void on_device_renamed(const device_entry& /*device*/) {}
    virtual void on_state_changed(const device_entry& /*device*/, const nlohmann::json& /*changed*/) {}
    virtual void on_availability_changed(const device_entry& /*device*/) {}
    virtual void on_device_event(const device_entry& /*device*/, const nlohmann::json& /*event*/) {}
    virtual void on_bridge_event(const nlohmann::json& /*event*/) {}
    virtual void on_drivers_ready() {}
    /// A validated command is being sent to the device's driver (after the lock gate); `source`
    /// says who asked. Called before the outcome is known. The command's lock code must not be kept.
    virtual void on_command_sent(const device_entry& /*device*/, const device_command& /*command*/,
                                 const command_source& /*source*/) {}
};

/// The outcome of a command, delivered once.
struct command_outcome {
    bool ok = false;
    int status = 0;     ///< a hearth_status
    std::string error;  ///< set when !ok
};

using command_callback = std::function<void(const command_outcome&)>;

/// A security-relevant action for the audit log (no secrets: PINs never appear here).
struct audit_entry {
    std::int64_t ts = 0;
    std::string actor;   ///< client id, rule id, ...
    std::string source;  ///< mqtt | rule | hearthctl | internal
    std::string action;  ///< e.g. "lock.unlock"
    std::string target;  ///< device id
    std::string result;  ///< attempt | ok | denied | locked_out | error | unknown
    nlohmann::json detail = nlohmann::json::object();
};

/// Writes an audit entry durably before returning (the command is answered only afterwards);
/// throws when it cannot (the gateway then refuses the lock operation: fail closed).
using audit_sink = std::function<void(const audit_entry&)>;

/// Creates the link for one configured driver (a driver thread in hearthd or a worker process,
/// by its isolation). Returns nullptr + error text.
using driver_factory =
    std::function<std::unique_ptr<driver_link>(const driver_config&, driver_events&, std::string& error)>;

class gateway final : private driver_events {
public:
    struct options {
        std::chrono::milliseconds watchdog_period{200};
        std::chrono::milliseconds command_timeout{30000};
        std::chrono::milliseconds ready_timeout{30000};  ///< rules start after this even if a driver is silent
        report_limits reports;                           ///< per-driver caps (devices, report rate)
    };

    /// Counters of the lock safety paths and of refresh coalescing (health "locks"/"refresh").
    struct lock_counters_health {
        std::uint64_t audit_failures = 0;     ///< audit rows that could not be written
        std::uint64_t refused_unaudited = 0;  ///< lock operations refused because the attempt could not be audited
        std::uint64_t unaudited_locks = 0;    ///< "lock" operations executed although their attempt was not audited
        std::string last_audit_error;
        std::uint64_t refresh_requested = 0;
        std::uint64_t refresh_sent = 0;
        std::uint64_t refresh_coalesced = 0;
    };

    gateway(boost::asio::io_context& loop, const clock_source& clock, options opts);
    ~gateway() override;
    gateway(const gateway&) = delete;
    gateway& operator=(const gateway&) = delete;

    /// Observers are not owned and must outlive the gateway (or be removed first).
    void add_observer(gateway_observer* observer);
    void remove_observer(gateway_observer* observer);

    /// Seeds the registry with devices restored from the store (before drivers start).
    void restore_device(device_descriptor descriptor, nlohmann::json state);

    /// Creates and starts every enabled driver through `factory`; failures are quarantined.
    void start_drivers(const std::vector<driver_config>& drivers, const driver_factory& factory);

    /// Validates and dispatches a command; `done` is called exactly once (maybe synchronously).
    void execute(const std::string& device_id, device_command command, const command_source& source,
                 command_callback done);

    /// Asks the owning driver to re-read a device. False if the device is unknown. Per device, a
    /// refresh reaches the driver at most once per its driver's refresh_min_interval_ms; requests
    /// within that interval are coalesced into one queued refresh sent when it ends (counted).
    bool refresh(const std::string& device_id);

    /// Lock administration (op "remove" | "rename") by a bridge request: for a lock this needs
    /// the PIN (or "pin": "none"), is audited (attempt first, fail closed) and refuses to remove
    /// a lock that is not locked while an auto-relock or alarm applies. Returns why it is refused;
    /// nullopt for any device that is not a lock, or when allowed.
    std::optional<std::string> authorize_lock_admin(const std::string& device_id, const std::string& op,
                                                    const std::optional<std::string>& code,
                                                    const command_source& source);

    /// After a restart: records the outcome of an attempt that never got one as "unknown" (audit
    /// row + one lock_operation event) and asks the driver to re-read the lock.
    void report_unknown_outcome(const lock_open_attempt& attempt);

    /// Wall-clock now of the gateway's clock (ms since the epoch).
    [[nodiscard]] std::int64_t now_ms() const { return clock_.now_ms(); }

    /// Health counters of the lock paths and refreshes.
    [[nodiscard]] const lock_counters_health& lock_health() const { return lock_health_; }

    /// Removes a device (bridge request): forgets it and tells observers. False if unknown.
    bool remove_device(const std::string& device_id);

    /// Renames a device (display name only). The name is the user's: it wins over the name a
    /// driver registers the device with, now and after restarts (observers persist it). False if
    /// the device is unknown.
    bool rename_device(const std::string& device_id, const std::string& name);

    /// User-set names restored from the store (before drivers start): device id -> name.
    void set_user_names(std::map<std::string, std::string> names) { user_names_ = std::move(names); }

    /// Lock safety rules for every device of type lock (PIN, lockout, age limit, rule unlock).
    void set_lock_policy(lock_policy policy) { locks_ = std::move(policy); }
    [[nodiscard]] const lock_policy& locks() const { return locks_; }
    [[nodiscard]] lock_policy& locks() { return locks_; }

    /// Where lock operations, attempts, failures and lockouts are recorded (durably).
    void set_audit_sink(audit_sink sink) { audit_ = std::move(sink); }

    /// Publishes an event generated by the core for a device (e.g. lock alarms) to observers.
    void emit_device_event(const std::string& device_id, nlohmann::json event);

    /// Stops every driver within `budget` in total and fails pending commands.
    void stop(std::chrono::milliseconds budget);

    [[nodiscard]] const device_registry& registry() const { return registry_; }
    [[nodiscard]] std::vector<driver_status> drivers() const;
    [[nodiscard]] bool drivers_ready() const { return ready_announced_; }

private:
    loop_thread_check loop_thread_;  ///< debug builds: the loop-thread-only methods assert on it

    struct pending_command {
        std::string driver;
        std::string device;
        command_callback done;
        std::chrono::steady_clock::time_point deadline;
    };

    // driver_events
    void on_device_registered(const std::string& driver, device_descriptor descriptor) override;
    void on_device_removed(const std::string& driver, const std::string& device_id) override;
    void on_state(const std::string& driver, const std::string& device_id, nlohmann::json state) override;
    void on_event(const std::string& driver, const std::string& device_id, nlohmann::json event) override;
    void on_availability(const std::string& driver, const std::string& device_id, bool online) override;
    void on_command_done(const std::string& driver, std::uint64_t command_id, int status, std::string message) override;
    void on_ready(const std::string& driver) override;
    void on_loaded(const std::string& driver) override;
    void on_failed(const std::string& driver, const std::string& reason) override;

    struct refresh_slot {
        std::chrono::steady_clock::time_point last_sent{};
        bool sent_once = false;
        std::unique_ptr<boost::asio::steady_timer> queued;  ///< set while one refresh waits
    };

    bool lock_gate(device_entry& device, const device_command& command, const command_source& source,
                   command_callback& done);
    /// Writes one audit row; false (logged, counted, bridge event) when it cannot be written.
    bool write_audit(const audit_entry& entry);
    /// Audits a lock operation's outcome (or refusal) and publishes its one lock_operation event.
    void audit_lock(const device_entry& device, const std::string& operation, const command_source& source,
                    const std::string& result, const std::string& reason, const std::string& op_id = {});
    void send_refresh(const std::string& device_id);
    device_entry* owned_device(const std::string& driver, const std::string& device_id, const char* what);
    /// Rate check + quarantine state for one report; false (counted) when it must be dropped.
    bool admit_report(const std::string& driver);
    /// Counts a refused report against `driver` and quarantines it once it is abusive.
    void refused_report(const std::string& driver, device_entry* device);
    void quarantine_driver(const std::string& driver, const std::string& reason);
    void bridge_event(nlohmann::json event);
    void arm_watchdog();
    void check_ready(bool timed_out);
    template <class F>
    void notify(F&& f);

    boost::asio::io_context& loop_;
    const clock_source& clock_;
    options opts_;
    report_guard guard_;
    std::map<std::string, std::string> quarantined_;  // driver -> reason: its reports are ignored
    std::set<std::string> load_announced_;            // drivers whose plugin_loaded was published
    device_registry registry_;
    std::map<std::string, std::string> user_names_;  // device id -> name the user gave it
    std::map<std::string, std::unique_ptr<driver_link>> links_;
    std::map<std::string, driver_status> failed_to_load_;
    std::map<std::uint64_t, pending_command> pending_;
    std::uint64_t next_command_ = 1;
    std::vector<gateway_observer*> observers_;
    lock_policy locks_;
    audit_sink audit_;
    lock_counters_health lock_health_;
    std::map<std::string, refresh_slot> refresh_;
    std::map<std::string, int> refresh_interval_ms_;  ///< per driver
    std::map<std::string, int> locks_in_flight_;      ///< lock commands sent to the driver, per lock
    boost::asio::steady_timer watchdog_;
    std::chrono::steady_clock::time_point started_at_;
    std::map<std::string, bool> ready_;
    bool ready_announced_ = false;
    bool stopping_ = false;
};

}  // namespace hearth
