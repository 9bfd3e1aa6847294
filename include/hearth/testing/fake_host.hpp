// A fake Hearth plugin host for driver tests (part of hearth::testing, installed with the SDK), in
// real time, behaving like hearthd's instance thread: one thread runs every driver entry (call())
// and timer callback, never concurrently, while host services may be called from any thread
// (drivers report from their I/O threads). It records everything the driver reports —
// descriptors, merged state and every state report, lock_state changes, events, availability
// history, command results, every log line, a timeline and every string the driver handed over
// (for secret canaries) — and the contract violations it saw (state or events the descriptor does
// not declare, host calls after stop, optional descriptor/value checks a test plugs in). Tests
// wait on conditions with deadlines (condition variable, no sleeps); it measures the longest entry
// or timer call (the watchdog budget). now_ms() comes from an injectable clock.
#pragma once

#include <hearth/plugin.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace hearth::testing {

/// Everything the driver reported, in order.
struct host_record {
    std::map<std::string, nlohmann::json> descriptors;
    std::map<std::string, nlohmann::json> state;                       ///< merged per device
    std::map<std::string, std::vector<nlohmann::json>> state_reports;  ///< every report per device
    std::map<std::string, std::vector<std::string>> lock_states;       ///< every change of lock_state
    std::vector<std::pair<std::string, nlohmann::json>> events;        ///< (device, event)
    std::map<std::string, bool> online;                                ///< the last availability
    std::map<std::string, std::vector<bool>> availability;             ///< every availability report
    struct result {
        int status;
        std::string message;
        std::string lock_state_then = {};  ///< the (single) lock's lock_state when the result arrived
    };
    std::map<std::uint64_t, result> results;
    std::vector<std::string> logs;        ///< "<level> <message>"
    std::vector<int> log_levels;          ///< the level of each entry of `logs`
    std::vector<std::string> timeline;    ///< "log <level> <msg>", "online <id> 0|1", "state <id> <lock_state>"
    std::vector<std::string> texts;       ///< every string the driver handed to the host (canary checks)
    std::vector<std::string> violations;  ///< contract violations seen (see fake_host)
    int ready = 0;
    int timers_set = 0;  ///< set_timer calls

    /// The last availability reported for `id`: 1 online, 0 offline, -1 none yet.
    [[nodiscard]] int availability_of(const std::string& id) const;
    /// Whether a log line of at least `min_level` contains `text`.
    [[nodiscard]] bool logged(const std::string& text, int min_level = HEARTH_LOG_TRACE) const;
    /// Every log line, one a line ("<level> <message>\n"), for failure messages.
    [[nodiscard]] std::string all_logs() const;
    /// The events whose "event_type" is `type`, in order.
    [[nodiscard]] std::vector<nlohmann::json> events_of(const std::string& type) const;
    /// Property `property` of `device`'s merged state (null if never reported).
    [[nodiscard]] nlohmann::json prop(const std::string& device, const std::string& property) const;
    /// Whether `needle` appears in any string the driver handed to the host.
    [[nodiscard]] bool said(const std::string& needle) const;
};

/// How a fake_host checks and answers.
struct host_options {
    /// Milliseconds since the Unix epoch, as the host's now_ms() service returns them.
    using clock_fn = std::function<std::uint64_t()>;
    /// Errors of a registered descriptor (empty: accepted); a refused descriptor is a violation and
    /// register_device answers HEARTH_ERR_INVALID.
    using descriptor_check = std::function<std::vector<std::string>(const nlohmann::json& descriptor)>;
    /// Why `value` is not a valid value of the declared property `property` of `descriptor`
    /// (nullopt: valid); a reason is recorded as a violation.
    using value_check = std::function<std::optional<std::string>(
        const nlohmann::json& descriptor, const std::string& property, const nlohmann::json& value)>;

    clock_fn clock;                     ///< answers now_ms() (default: the system clock)
    descriptor_check check_descriptor;  ///< optional, e.g. the core's parse_descriptor()
    value_check check_value;            ///< optional, e.g. the core's check_value()
    bool timers_allowed = true;         ///< false: set_timer is a violation (drivers on their own I/O thread)
};

class fake_host {
public:
    using clock_fn = host_options::clock_fn;

    /// `clock` answers now_ms() (default: the system clock). Timers run in real (steady) time.
    explicit fake_host(clock_fn clock = {});
    /// A host with checks (see host_options).
    explicit fake_host(host_options options);
    ~fake_host();
    fake_host(const fake_host&) = delete;
    fake_host& operator=(const fake_host&) = delete;

    [[nodiscard]] const hearth_host_api* api() const { return &api_; }
    [[nodiscard]] hearth_host* ctx() { return reinterpret_cast<hearth_host*>(this); }

    /// Runs `fn` on the instance thread and waits for it (as the host calls driver entries).
    /// Throws std::logic_error after shutdown().
    void call(const std::function<void()>& fn);

    /// Waits until `pred(record)` holds or `timeout` passes; returns whether it held.
    bool wait_for(const std::function<bool(const host_record&)>& pred, std::chrono::milliseconds timeout);

    /// A copy of the record.
    [[nodiscard]] host_record snapshot();

    /// The longest driver entry or timer callback so far.
    [[nodiscard]] std::chrono::milliseconds longest_call();

    /// From now on (until accepting(true)) every host call but log() is a violation: the driver
    /// was stopped. driver_instance sets this around stop()/destroy().
    void accepting(bool on);

    /// Stops the instance thread; pending timers never fire afterwards. Idempotent.
    void shutdown();

private:
    struct timer {
        std::uint64_t id;
        hearth_timer_fn fn;
        void* user;
    };
    static fake_host& self(hearth_host* h) { return *reinterpret_cast<fake_host*>(h); }
    void install_api();
    void loop();
    /// Applies `change` under the record lock; `text` is what the driver handed over, `service`
    /// names the host call (a violation when it comes while not accepting, except for logs).
    void record(const char* service, const std::string& text, const std::function<void(host_record&)>& change);
    void run_timed(const std::function<void()>& fn);
    void check_state(host_record& r, const std::string& device, const nlohmann::json& reported) const;

    hearth_host_api api_{};
    host_options options_;

    std::mutex loop_mutex_;
    std::condition_variable loop_cv_;
    std::deque<std::function<void()>> tasks_;
    std::multimap<std::chrono::steady_clock::time_point, timer> timers_;
    std::uint64_t next_timer_id_ = 1;
    bool quit_ = false;
    std::chrono::milliseconds longest_{0};

    std::mutex record_mutex_;
    std::condition_variable record_cv_;
    host_record record_;
    bool accepting_ = true;

    std::thread thread_;
};

}  // namespace hearth::testing
