// Role: a fake Hearth host for driver tests in real time. Like hearthd it owns one instance
// thread that runs every driver entry and timer callback (never concurrently), while host
// services may be called from any thread. It records everything the driver reports (state
// history, events, availability, command results, every log line at every level) and the
// longest entry/timer call, so tests can wait on conditions with deadlines and check the
// watchdog budget. Also wraps one driver instance loaded with dlopen.
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
#include <vector>

namespace nuki_test {

using json = nlohmann::json;

/// Everything the driver reported, in order.
struct host_record {
    std::map<std::string, json> descriptors;
    std::map<std::string, json> state;                            ///< merged
    std::map<std::string, std::vector<std::string>> lock_states;  ///< every reported lock_state
    std::vector<std::pair<std::string, json>> events;
    std::map<std::string, bool> online;
    struct result {
        int status;
        std::string message;
        std::string lock_state_then;  ///< the device's lock_state when the result arrived
    };
    std::map<std::uint64_t, result> results;
    std::vector<std::string> logs;      ///< "<level> <message>"
    std::vector<std::string> timeline;  ///< "log <level> <msg>", "online <id> 0|1", "state <id> <lock_state>"
    int ready = 0;
};

class threaded_host {
public:
    threaded_host();
    ~threaded_host();
    threaded_host(const threaded_host&) = delete;
    threaded_host& operator=(const threaded_host&) = delete;

    [[nodiscard]] const hearth_host_api* api() const { return &api_; }
    [[nodiscard]] hearth_host* ctx() { return reinterpret_cast<hearth_host*>(this); }

    /// Runs `fn` on the instance thread and waits for it (as the host calls driver entries).
    void call(const std::function<void()>& fn);

    /// Waits until `pred(record)` holds or `timeout` passes; returns whether it held.
    bool wait_for(const std::function<bool(const host_record&)>& pred, std::chrono::milliseconds timeout);

    /// A copy of the record.
    [[nodiscard]] host_record snapshot();

    /// The longest driver entry or timer callback so far.
    [[nodiscard]] std::chrono::milliseconds longest_call();

    /// Stops the instance thread; pending timers never fire afterwards.
    void shutdown();

private:
    struct timer {
        std::uint64_t id;
        hearth_timer_fn fn;
        void* user;
    };
    static threaded_host& self(hearth_host* h) { return *reinterpret_cast<threaded_host*>(h); }
    void loop();
    void record(const std::function<void(host_record&)>& change);
    void run_timed(const std::function<void()>& fn);

    hearth_host_api api_{};

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

/// One driver instance of a dlopen()ed plugin, driven through `host`.
class driver_instance {
public:
    /// Loads the plugin at `path` (never unloaded, like the host).
    static const hearth_plugin_v1_api* load(const char* path);

    driver_instance(threaded_host& host, const hearth_plugin_v1_api* plugin) : host_(host), plugin_(plugin) {}
    ~driver_instance() { stop_and_destroy(); }

    /// create(); returns false and sets error() on failure.
    bool create(const json& config, const std::string& instance_id = "nuki_test");
    /// start(); returns the status and sets error().
    int start();
    /// handle_command(); returns the status and sets error().
    int command(std::uint64_t id, const std::string& device, const std::string& name);
    void stop_and_destroy();

    [[nodiscard]] const std::string& error() const { return error_; }

private:
    threaded_host& host_;
    const hearth_plugin_v1_api* plugin_;
    hearth_driver* driver_ = nullptr;
    bool started_ = false;
    std::string error_;
};

}  // namespace nuki_test
