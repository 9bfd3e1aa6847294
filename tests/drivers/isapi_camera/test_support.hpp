// Support code of the isapi_camera driver tests: loading the plugin, the simulator as a child
// process (tests/support's simulator launcher: PDEATHSIG, readiness by polling connect(), stop
// by PID), a tiny HTTP client for the simulator's /sim/* control endpoints, and a thread-safe
// fake host table that records everything the driver reports (the driver reports from its own
// I/O thread).
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "support/ports.hpp"
#include "support/simulator.hpp"

#include <hearth/plugin.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#ifndef CAMERA_PLUGIN_PATH
#error "CAMERA_PLUGIN_PATH must be the path of the built isapi_camera plugin"
#endif
#ifndef CAMERA_SIM_PATH
#error "CAMERA_SIM_PATH must be the path of the built isapi_camera_sim"
#endif

namespace isapi_test {

using json = nlohmann::json;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

inline constexpr const char* k_user = "admin";
inline constexpr const char* k_password = "Canary-Pa55w0rd-7f3e";  // must never show up anywhere
inline constexpr const char* k_device = "front_cam";

inline const hearth_plugin_v1_api* plugin() {
    static const hearth_plugin_v1_api* api = [] {
        void* handle = dlopen(CAMERA_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);  // never closed, like the host
        if (handle == nullptr) return static_cast<const hearth_plugin_v1_api*>(nullptr);
        auto entry = reinterpret_cast<hearth_plugin_entry_v1_fn>(dlsym(handle, HEARTH_PLUGIN_ENTRY_V1_NAME));
        return entry == nullptr ? nullptr : entry(HEARTH_ABI_MINOR);
    }();
    return api;
}

inline std::string str(hearth_str s) { return s.data == nullptr ? std::string() : std::string(s.data, s.size); }
inline hearth_str cstr(const std::string& s) { return hearth_str{s.data(), s.size()}; }

// ---------------------------------------------------------------------------------------------
// Processes and sockets

using hearth::test::free_tcp_port;

/// The simulator as a child process (a hearth::test::simulator), with its control endpoints.
class simulator {
public:
    simulator(std::uint16_t port, const std::vector<std::string>& extra) : sim_(CAMERA_SIM_PATH, port, args(extra)) {}
    simulator(const simulator&) = delete;
    simulator& operator=(const simulator&) = delete;

    /// Starts it and polls connect() until it accepts or `deadline` passes (false if it exited).
    bool start(std::chrono::milliseconds deadline = 10s) { return sim_.start(deadline); }
    /// SIGTERM by PID, then waitpid with a deadline (SIGKILL if it does not exit).
    void stop() { sim_.stop(5s); }
    [[nodiscard]] std::string log_text() const { return sim_.log_text(); }
    void remove_log() const { sim_.remove_log(); }
    [[nodiscard]] std::uint16_t port() const { return sim_.port(); }

    /// GET on the simulator's control endpoints (no auth); returns the body ("" on failure).
    [[nodiscard]] std::string control(const std::string& target) const {
        namespace beast = boost::beast;
        namespace http = beast::http;
        try {
            boost::asio::io_context io;
            boost::asio::ip::tcp::socket socket(io);
            socket.connect({boost::asio::ip::make_address("127.0.0.1"), port()});
            http::request<http::empty_body> req{http::verb::get, target, 11};
            req.set(http::field::host, "127.0.0.1");
            req.keep_alive(false);
            http::write(socket, req);
            beast::flat_buffer buffer;
            http::response<http::string_body> res;
            http::read(socket, buffer, res);
            return res.body();
        } catch (const std::exception&) {
            return "";
        }
    }
    [[nodiscard]] json status() const {
        const std::string body = control("/sim/status");
        return body.empty() ? json::object() : json::parse(body, nullptr, false);
    }

private:
    static std::vector<std::string> args(const std::vector<std::string>& extra) {
        std::vector<std::string> a = {"--user", k_user, "--password", k_password, "--heartbeat-ms", "300", "--verbose"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }

    hearth::test::simulator sim_;
};

// ---------------------------------------------------------------------------------------------
// The fake host: thread-safe (the driver reports from its own I/O thread)

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
    std::map<std::string, json> state;
    std::vector<json> events;
    std::map<std::string, bool> online;
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
            self(h).record(
                [&](fake_host& f) {
                    const json j = json::parse(text);
                    f.descriptors[j.at("id").get<std::string>()] = j;
                },
                text);
            return static_cast<int>(HEARTH_OK);
        };
        api.remove_device = [](hearth_host*, hearth_str) { return static_cast<int>(HEARTH_OK); };
        api.report_state = [](hearth_host* h, hearth_str id, hearth_str s) {
            const std::string text = str(s), dev = str(id);
            self(h).record(
                [&](fake_host& f) {
                    if (!f.descriptors.contains(dev)) f.violations.push_back("state for unregistered " + dev);
                    const json reported = json::parse(text);
                    for (const auto& [k, v] : reported.items()) {
                        if (!f.descriptors[dev]["properties"].contains(k))
                            f.violations.push_back("undeclared property " + k);
                        if (!v.is_boolean()) f.violations.push_back("non-bool " + k);
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
            self(h).record([&](fake_host& f) { f.online[dev] = on != 0; }, dev);
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
    std::vector<json> events_of(const std::string& type) const {
        std::vector<json> out;
        for (const auto& e : events)
            if (e.value("event_type", "") == type) out.push_back(e);
        return out;
    }
    bool has_log(const std::string& needle, int min_level = HEARTH_LOG_TRACE) const {
        return std::any_of(logs.begin(), logs.end(), [&](const auto& l) {
            return l.first >= min_level && l.second.find(needle) != std::string::npos;
        });
    }
    std::string all_logs() const {
        std::string out;
        for (const auto& [level, text] : logs) out += std::to_string(level) + " " + text + "\n";
        return out;
    }
};

inline std::vector<std::uint8_t> base64_decode(const std::string& s) {
    static const std::string k_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::vector<std::uint8_t> out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : s) {
        if (c == '=') break;
        const auto v = k_alphabet.find(c);
        if (v == std::string::npos) return {};
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
        }
    }
    return out;
}

}  // namespace isapi_test
