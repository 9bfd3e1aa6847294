// Role: a fake Hearth host for the yeelight driver tests, in real time. Like hearthd it owns one
// instance thread that runs every driver entry and timer callback (never concurrently), while
// host services may be called from any thread (the driver reports from its I/O thread). It
// records what the driver reports (merged state, every state report, availability history,
// command results, log lines) so tests wait on conditions with deadlines. Also wraps one driver
// instance of a dlopen()ed plugin.
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
#include <vector>

namespace yeelight_test {

using json = nlohmann::json;

/// Everything the driver reported, in order.
struct host_record {
    std::map<std::string, json> descriptors;
    std::map<std::string, json> state;                       ///< merged per device
    std::map<std::string, std::vector<json>> state_reports;  ///< every report per device
    std::map<std::string, std::vector<bool>> availability;   ///< every availability report
    struct result {
        int status;
        std::string message;
    };
    std::map<std::uint64_t, result> results;
    std::vector<std::string> logs;  ///< "<level> <message>"
    int ready = 0;

    /// The last availability reported for `id`, or -1 if none yet.
    [[nodiscard]] int online(const std::string& id) const {
        const auto it = availability.find(id);
        return it == availability.end() || it->second.empty() ? -1 : (it->second.back() ? 1 : 0);
    }
    /// Whether a log line contains `text`.
    [[nodiscard]] bool logged(const std::string& text) const;
};

class test_host {
public:
    test_host();
    ~test_host();
    test_host(const test_host&) = delete;
    test_host& operator=(const test_host&) = delete;

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

private:
    struct timer {
        std::uint64_t id;
        hearth_timer_fn fn;
        void* user;
    };
    static test_host& self(hearth_host* h) { return *reinterpret_cast<test_host*>(h); }
    void loop();
    void record(const std::function<void(host_record&)>& change);

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

/// One driver instance of a dlopen()ed plugin, driven through a test_host.
class driver_instance {
public:
    /// Loads the plugin at `path` (never unloaded, like the host); null on failure.
    static const hearth_plugin_v1_api* load(const char* path);

    driver_instance(test_host& host, const hearth_plugin_v1_api* plugin) : host_(host), plugin_(plugin) {}
    ~driver_instance() { stop_and_destroy(); }
    driver_instance(const driver_instance&) = delete;
    driver_instance& operator=(const driver_instance&) = delete;

    /// create(); returns false and sets error() on failure.
    bool create(const json& config);
    /// start(); returns the status and sets error().
    int start();
    /// handle_command() with {"command": name, "params": params}; returns the status.
    int command(std::uint64_t id, const std::string& device, const std::string& name,
                const json& params = json::object());
    void stop_and_destroy();
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    test_host& host_;
    const hearth_plugin_v1_api* plugin_;
    hearth_driver* driver_ = nullptr;
    bool started_ = false;
    std::string error_;
};

}  // namespace yeelight_test
