// A fake Hearth plugin host for driver tests, in real time, behaving like hearthd's instance
// thread: one thread runs every driver entry (call()) and timer callback, never concurrently,
// while host services may be called from any thread (drivers report from their I/O threads). It
// records everything the driver reports — descriptors, merged state and every state report,
// lock_state changes, events, availability history, command results, every log line and a
// timeline — so tests wait on conditions with deadlines (condition variable, no sleeps), and it
// measures the longest entry or timer call (the watchdog budget). now_ms() comes from an
// injectable clock. driver_instance wraps one instance of a dlopen()ed plugin.
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
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace hearth::test {

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
    std::vector<std::string> logs;      ///< "<level> <message>"
    std::vector<std::string> timeline;  ///< "log <level> <msg>", "online <id> 0|1", "state <id> <lock_state>"
    int ready = 0;

    /// The last availability reported for `id`: 1 online, 0 offline, -1 none yet.
    [[nodiscard]] int availability_of(const std::string& id) const;
    /// Whether a log line contains `text`.
    [[nodiscard]] bool logged(const std::string& text) const;
};

class fake_host {
public:
    /// Milliseconds since the Unix epoch, as the host's now_ms() service returns them.
    using clock_fn = std::function<std::uint64_t()>;

    /// `clock` answers now_ms() (default: the system clock). Timers run in real (steady) time.
    explicit fake_host(clock_fn clock = {});
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

    /// Stops the instance thread; pending timers never fire afterwards. Idempotent.
    void shutdown();

private:
    struct timer {
        std::uint64_t id;
        hearth_timer_fn fn;
        void* user;
    };
    static fake_host& self(hearth_host* h) { return *reinterpret_cast<fake_host*>(h); }
    void loop();
    void record(const std::function<void(host_record&)>& change);
    void run_timed(const std::function<void()>& fn);

    hearth_host_api api_{};
    clock_fn clock_;

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

    std::thread thread_;
};

/// One driver instance of a dlopen()ed plugin, driven through a fake_host.
class driver_instance {
public:
    /// Loads the plugin at `path` (never unloaded, like the host); null on failure.
    static const hearth_plugin_v1_api* load(const char* path);

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
    /// handle_command() with {"command": name, "params": params}; returns the status, sets error().
    int command(std::uint64_t id, const std::string& device, const std::string& name,
                const nlohmann::json& params = nlohmann::json::object());
    /// stop() (if started) and destroy() on the instance thread. Idempotent.
    void stop_and_destroy();

    [[nodiscard]] const std::string& error() const { return error_; }

private:
    fake_host& host_;
    const hearth_plugin_v1_api* plugin_;
    std::string instance_id_;
    hearth_driver* driver_ = nullptr;
    bool started_ = false;
    std::string error_;
};

}  // namespace hearth::test
