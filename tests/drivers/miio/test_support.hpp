// Support code of the miIO driver tests: loading a plugin, the miio_sim simulator as a child
// process on a free loopback UDP port (tests/support's simulator launcher, ready on a hello
// handshake), an encrypted control client for sim.fault / sim.status (the transport's own
// miio_client), a thread-safe fake host table recording everything the driver reports (drivers
// report from their worker thread) and an RAII driver instance.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "miio_client.hpp"

#include "core/device_model.hpp"  // the core's own descriptor and value checks
#include "support/ports.hpp"
#include "support/simulator.hpp"

#include <hearth/plugin.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <cctype>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#ifndef MIIO_SIM_PATH
#error "MIIO_SIM_PATH must be the path of the built miio_sim"
#endif

namespace miio_test {

using json = nlohmann::json;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// The token of every simulator: a canary that must never show up in anything the driver says.
inline constexpr const char* k_token = "c0ffee00deadbeef0badf00d12345678";
inline constexpr const char* k_other_token = "00000000111111112222222233333333";

inline const hearth_plugin_v1_api* load_plugin(const char* path) {
    void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);  // never closed, like the host
    if (handle == nullptr) return nullptr;
    auto entry = reinterpret_cast<hearth_plugin_entry_v1_fn>(dlsym(handle, HEARTH_PLUGIN_ENTRY_V1_NAME));
    return entry == nullptr ? nullptr : entry(HEARTH_ABI_MINOR);
}

inline std::string str(hearth_str s) { return s.data == nullptr ? std::string() : std::string(s.data, s.size); }
inline hearth_str cstr(const std::string& s) { return hearth_str{s.data(), s.size()}; }

/// miio_sim as a child process (a hearth::test::simulator on a free loopback UDP port).
class simulator {
public:
    simulator(const std::string& kind, const std::vector<std::string>& extra = {})
        : sim_(MIIO_SIM_PATH, hearth::test::free_udp_port(), args(kind, extra)) {}
    ~simulator() {
        sim_.stop(5s);
        sim_.remove_log();
    }
    simulator(const simulator&) = delete;
    simulator& operator=(const simulator&) = delete;

    /// Starts it and polls a hello handshake until it answers or `deadline` passes (false if it
    /// exited).
    bool start(std::chrono::milliseconds deadline = 10s) {
        return sim_.start(deadline, [this] { return control().handshake(); });
    }
    /// SIGTERM by PID, then waitpid with a deadline (SIGKILL if it does not exit).
    void stop() { sim_.stop(5s); }
    /// Switches the fault at run time through the encrypted sim.fault RPC.
    void fault(const std::string& f) { control().call("sim.fault", json::array({f})); }
    /// The simulator's internal state (sim.status).
    json status() { return control().call("sim.status"); }
    [[nodiscard]] std::uint16_t port() const { return sim_.port(); }
    [[nodiscard]] std::string log_text() const { return sim_.log_text(); }

private:
    static std::vector<std::string> args(const std::string& kind, const std::vector<std::string>& extra) {
        std::vector<std::string> a = {"--token", k_token, "--kind", kind, "--delay-ms", "1500", "--verbose"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }

    hearth::miio::miio_client& control() {
        if (!control_) {
            hearth::miio::client_options o;
            o.host = "127.0.0.1";
            o.port = sim_.port();
            o.token = *hearth::miio::parse_token(k_token);
            o.timeout = 300ms;
            o.retries = 3;
            control_ = std::make_unique<hearth::miio::miio_client>(o);
        }
        return *control_;
    }

    hearth::test::simulator sim_;
    std::unique_ptr<hearth::miio::miio_client> control_;
};

/// A thread-safe fake host table.
struct fake_host {
    struct result {
        std::uint64_t id;
        int status;
        std::string message;
    };

    mutable std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::pair<int, std::string>> logs;
    std::map<std::string, json> descriptors;
    std::map<std::string, hearth::device_descriptor> parsed;  // as the core validated them
    std::map<std::string, json> state;
    std::vector<json> events;
    std::vector<std::pair<std::string, bool>> availability;  // every report, in order
    std::vector<result> results;
    std::vector<std::string> violations;
    std::vector<std::string> everything;  // every string the driver handed us, for the canary
    bool stopped = false;
    int ready = 0;
    hearth_host_api api{};

    fake_host() {
        api.struct_size = sizeof(hearth_host_api);
        api.abi_major = HEARTH_ABI_MAJOR;
        api.abi_minor = HEARTH_ABI_MINOR;
        api.log = [](hearth_host* h, int level, hearth_str m) {
            self(h).record([&](fake_host& f) { f.logs.emplace_back(level, str(m)); }, str(m), true);
        };
        api.register_device = [](hearth_host* h, hearth_str d) {
            const std::string text = str(d);
            int rc = HEARTH_OK;
            self(h).record(
                [&](fake_host& f) {
                    const json j = json::parse(text);
                    auto r = hearth::parse_descriptor(j);
                    if (!r) {
                        for (const auto& e : r.error())
                            f.violations.push_back("descriptor " + e.pointer + ": " + e.reason);
                        rc = HEARTH_ERR_INVALID;
                        return;
                    }
                    f.descriptors[j.at("id").get<std::string>()] = j;
                    f.parsed[r->id] = std::move(*r);
                },
                text);
            return rc;
        };
        api.remove_device = [](hearth_host*, hearth_str) { return static_cast<int>(HEARTH_OK); };
        api.report_state = [](hearth_host* h, hearth_str id, hearth_str s) {
            const std::string text = str(s), dev = str(id);
            self(h).record(
                [&](fake_host& f) {
                    if (!f.descriptors.contains(dev)) f.violations.push_back("state for unregistered " + dev);
                    const json reported = json::parse(text);
                    for (const auto& [k, v] : reported.items()) {
                        const auto& props = f.parsed[dev].properties;
                        const auto spec = props.find(k);
                        if (spec == props.end())
                            f.violations.push_back("undeclared property " + k);
                        else if (auto why = hearth::check_value(spec->second, v, false))
                            f.violations.push_back(k + ": " + *why);
                        f.state[dev][k] = v;
                    }
                },
                text);
            return static_cast<int>(HEARTH_OK);
        };
        api.report_event = [](hearth_host* h, hearth_str id, hearth_str e) {
            const std::string text = str(e), dev = str(id);
            self(h).record(
                [&](fake_host& f) {
                    const json j = json::parse(text);
                    const auto& allowed = f.descriptors[dev]["events"];
                    if (!j.contains("event_type") ||
                        std::find(allowed.begin(), allowed.end(), j["event_type"]) == allowed.end())
                        f.violations.push_back("undeclared event " + text.substr(0, 80));
                    f.events.push_back(j);
                },
                text);
            return static_cast<int>(HEARTH_OK);
        };
        api.report_availability = [](hearth_host* h, hearth_str id, int on) {
            const std::string dev = str(id);
            self(h).record([&](fake_host& f) { f.availability.emplace_back(dev, on != 0); }, dev);
            return static_cast<int>(HEARTH_OK);
        };
        api.command_result = [](hearth_host* h, std::uint64_t cid, int st, hearth_str m) {
            const std::string text = str(m);
            self(h).record([&](fake_host& f) { f.results.push_back({cid, st, text}); }, text);
            return static_cast<int>(HEARTH_OK);
        };
        api.set_timer = [](hearth_host* h, std::uint32_t, hearth_timer_fn, void*) {
            self(h).record([](fake_host& f) { f.violations.push_back("unexpected set_timer"); }, "");
            return std::uint64_t{0};
        };
        api.cancel_timer = [](hearth_host*, std::uint64_t) {};
        api.now_ms = [](hearth_host*) {
            return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  std::chrono::system_clock::now().time_since_epoch())
                                                  .count());
        };
        api.report_ready = [](hearth_host* h) {
            self(h).record([](fake_host& f) { ++f.ready; }, "");
            return static_cast<int>(HEARTH_OK);
        };
    }
    fake_host(const fake_host&) = delete;
    fake_host& operator=(const fake_host&) = delete;

    static fake_host& self(hearth_host* h) { return *reinterpret_cast<fake_host*>(h); }
    hearth_host* ctx() { return reinterpret_cast<hearth_host*>(this); }

    template <class F>
    void record(F&& f, const std::string& text, bool is_log = false) {
        {
            std::lock_guard lock(mutex);
            if (stopped && !is_log) violations.push_back("host call after stop: " + text.substr(0, 80));
            everything.push_back(text);
            f(*this);
        }
        changed.notify_all();
    }

    /// Waits until `pred` (evaluated under the lock) holds or `deadline` passes.
    bool wait_for(const std::function<bool(const fake_host&)>& pred, std::chrono::milliseconds deadline = 10s) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, deadline, [&] { return pred(*this); });
    }
    [[nodiscard]] std::optional<bool> online(const std::string& dev) const {
        for (auto it = availability.rbegin(); it != availability.rend(); ++it)
            if (it->first == dev) return it->second;
        return std::nullopt;
    }
    [[nodiscard]] json prop(const std::string& dev, const std::string& p) const {
        const auto it = state.find(dev);
        return it == state.end() || !it->second.contains(p) ? json() : it->second[p];
    }
    [[nodiscard]] const result* result_of(std::uint64_t id) const {
        for (const auto& r : results)
            if (r.id == id) return &r;
        return nullptr;
    }
    [[nodiscard]] bool has_log(const std::string& needle) const {
        return std::any_of(logs.begin(), logs.end(),
                           [&](const auto& l) { return l.second.find(needle) != std::string::npos; });
    }
    [[nodiscard]] std::string all_logs() const {
        std::string out;
        for (const auto& [level, text] : logs) out += std::to_string(level) + " " + text + "\n";
        return out;
    }
};

/// One driver instance: created and started in the constructor, stopped and destroyed at the end.
class instance {
public:
    instance(const hearth_plugin_v1_api* api, fake_host& host, const json& config) : api_(api), host_(host) {
        char error[256] = {};
        const std::string cfg = config.dump();
        driver_ = api_->create(&host_.api, host_.ctx(), cstr("miio_test"), cstr(cfg), error, sizeof error);
        create_error_ = error;
        if (driver_ == nullptr) return;
        if (api_->start(driver_, error, sizeof error) != HEARTH_OK) start_error_ = error;
    }
    ~instance() { shutdown(); }
    instance(const instance&) = delete;
    instance& operator=(const instance&) = delete;

    void shutdown() {
        if (driver_ == nullptr) return;
        api_->stop(driver_);
        {
            std::lock_guard lock(host_.mutex);
            host_.stopped = true;
        }
        api_->destroy(driver_);
        driver_ = nullptr;
    }
    /// Sends a command; returns the immediate status.
    int command(std::uint64_t id, const std::string& device, const json& body, std::string* error = nullptr) {
        char buf[256] = {};
        const std::string text = body.dump();
        const int st = api_->handle_command(driver_, id, cstr(device), cstr(text), buf, sizeof buf);
        if (error != nullptr) *error = buf;
        return st;
    }
    [[nodiscard]] bool ok() const { return driver_ != nullptr && start_error_.empty(); }
    [[nodiscard]] const std::string& create_error() const { return create_error_; }

private:
    const hearth_plugin_v1_api* api_;
    fake_host& host_;
    hearth_driver* driver_ = nullptr;
    std::string create_error_;
    std::string start_error_;
};

/// Fails the test if the token (any case) appears in anything the driver said.
inline void expect_no_token(const fake_host& h) {
    std::string upper = k_token;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    std::lock_guard lock(h.mutex);
    for (const auto& s : h.everything) {
        EXPECT_EQ(s.find(k_token), std::string::npos) << "token leaked: " << s;
        EXPECT_EQ(s.find(upper), std::string::npos) << "token leaked: " << s;
    }
}

}  // namespace miio_test
