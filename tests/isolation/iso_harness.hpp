// Shared harness of the isolation suite: a real gateway on an io_context that the test thread
// runs in short slices, with a factory that hosts each driver either in a worker process
// (process_driver + hearth-driver-host) or in-process (inproc_driver), like hearthd will.
// Short supervision settings keep every test within a few seconds.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "core/clock.hpp"
#include "core/command.hpp"
#include "core/gateway.hpp"
#include "plugin/inproc_driver.hpp"
#include "plugin/plugin_module.hpp"
#include "plugin/process_driver.hpp"

#include <hearth/plugin.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace iso {

using namespace std::chrono_literals;
using json = nlohmann::json;
using steady = std::chrono::steady_clock;

inline ::testing::AssertionResult contains(const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

/// zoo_* plugins come from tests/plugin_abi, iso_* from this suite.
inline std::string plugin_file(const std::string& name) {
    const std::string dir = name.rfind("zoo_", 0) == 0 ? ISO_ZOO_DIR : ISO_PLUGIN_DIR;
    return hearth::plugin_path(dir, name).string();
}

inline hearth::driver_config driver(const std::string& plugin, const std::string& id) {
    hearth::driver_config dc;
    dc.plugin = plugin;
    dc.id = id;
    return dc;
}

#if defined(__SANITIZE_ADDRESS__)
/// ASan + UBSan make workers start and run several times slower (200000 instrumented host calls
/// took > 10 s; a loaded machine starved heartbeats past 1 s): the time limits scale by this.
inline constexpr int k_sanitizer_slowdown = 4;
#else
inline constexpr int k_sanitizer_slowdown = 1;
#endif

/// Supervision settings scaled down for tests (production defaults: process_options).
inline hearth::process_options fast_options() {
    hearth::process_options o;
    o.host_path = ISO_DRIVER_HOST;
    o.call_timeout = 500ms;
    o.max_failures = 3;
    o.heartbeat_interval = 100ms;
    o.heartbeat_timeout = 1000ms * k_sanitizer_slowdown;
    o.backoff_initial = 100ms;
    o.backoff_max = 400ms;
    o.max_restarts = 2;
    o.crash_window = 10s;
    return o;
}

class recorder final : public hearth::gateway_observer {
public:
    struct state_change {
        std::string device;
        json changed;
    };
    std::vector<json> bridge;
    std::vector<state_change> states;

    void on_bridge_event(const json& event) override { bridge.push_back(event); }
    void on_state_changed(const hearth::device_entry& d, const json& changed) override {
        states.push_back({d.descriptor.id, changed});
    }
    [[nodiscard]] std::optional<json> bridge_event(const std::string& type, const std::string& driver) const {
        for (const auto& e : bridge) {
            if (e.value("type", "") == type && e.value("driver", "") == driver) return e;
        }
        return std::nullopt;
    }
    [[nodiscard]] bool saw_state(std::size_t since, const std::string& device, const std::string& property,
                                 const json& value) const {
        for (std::size_t i = since; i < states.size(); ++i) {
            const auto& s = states[i];
            if (s.device == device && s.changed.contains(property) && s.changed[property] == value) return true;
        }
        return false;
    }
};

/// A real gateway; drivers in `inproc` run in-process, all others in worker processes.
class harness {
public:
    /// `command_timeout`: the gateway's limit for a command's answer (the flood test needs more
    /// under ASan).
    explicit harness(std::chrono::milliseconds command_timeout = 20s) {
        hearth::gateway::options opts;
        opts.watchdog_period = 50ms;
        opts.command_timeout = command_timeout;
        opts.ready_timeout = 3s;
        gw = std::make_unique<hearth::gateway>(loop, clock, opts);
        gw->add_observer(&rec);
        inproc_limits.call_timeout = 500ms;
        inproc_limits.max_failures = 3;
    }
    ~harness() {
        if (gw) gw->remove_observer(&rec);
        gw.reset();  // stops the drivers (and reaps the workers) before the loop goes away
    }
    harness(const harness&) = delete;
    harness& operator=(const harness&) = delete;

    void start(const std::vector<hearth::driver_config>& drivers) {
        auto factory = [this](const hearth::driver_config& dc, hearth::driver_events& events,
                              std::string& error) -> std::unique_ptr<hearth::driver_link> {
            if (inproc.contains(dc.id)) {
                auto loaded = hearth::load_plugin(plugin_file(dc.plugin), dc.plugin);
                if (!loaded) {
                    error = loaded.error();
                    return nullptr;
                }
                return std::make_unique<hearth::inproc_driver>(loop, *loaded, dc, events, clock, inproc_limits);
            }
            hearth::process_options o = options;
            o.plugin_path = plugin_override.contains(dc.id) ? plugin_override.at(dc.id) : plugin_file(dc.plugin);
            if (auto it = limits.find(dc.id); it != limits.end()) o.limits = it->second;
            auto link = std::make_unique<hearth::process_driver>(loop, dc, o, events);
            workers[dc.id] = link.get();
            return link;
        };
        gw->start_drivers(drivers, factory);
    }

    template <class Pred>
    bool run_until(Pred pred, steady::duration timeout = 5s) {
        const auto deadline = steady::now() + timeout;
        while (!pred()) {
            if (steady::now() >= deadline) return false;
            loop.run_for(2ms);
        }
        return true;
    }

    std::shared_ptr<std::optional<hearth::command_outcome>> send(const std::string& device, const std::string& name) {
        auto slot = std::make_shared<std::optional<hearth::command_outcome>>();
        hearth::device_command c;
        c.name = name;
        gw->execute(device, c, hearth::command_source{"internal", "iso"},
                    [slot](const hearth::command_outcome& o) { *slot = o; });
        return slot;
    }

    std::optional<hearth::command_outcome> execute(const std::string& device, const std::string& name,
                                                   steady::duration timeout = 5s) {
        auto slot = send(device, name);
        run_until([&] { return slot->has_value(); }, timeout);
        return *slot;
    }

    [[nodiscard]] bool online(const std::string& device) const {
        const auto* d = gw->registry().find(device);
        return d != nullptr && d->online;
    }
    bool wait_online(const std::string& device, steady::duration timeout = 5s) {
        return run_until([&] { return online(device); }, timeout);
    }

    [[nodiscard]] hearth::driver_status status_of(const std::string& id) const {
        for (auto& st : gw->drivers()) {
            if (st.id == id) return st;
        }
        ADD_FAILURE() << "no driver '" << id << "'";
        return {};
    }

    /// `device` executes turn_on then turn_off: both ok, both state changes observed.
    void expect_works(const std::string& device) {
        for (const bool on : {true, false}) {
            const std::size_t before = rec.states.size();
            auto out = execute(device, on ? "turn_on" : "turn_off");
            ASSERT_TRUE(out.has_value()) << "no outcome from " << device;
            EXPECT_TRUE(out->ok) << device << ": " << out->error;
            EXPECT_TRUE(run_until([&] { return rec.saw_state(before, device, "on", on); }, 3s))
                << "state on=" << on << " of " << device << " not observed";
        }
    }

    // Declaration order is destruction order in reverse: gw goes first, the loop last.
    boost::asio::io_context loop;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{loop.get_executor()};
    hearth::system_clock_source clock;
    hearth::process_options options = fast_options();
    hearth::driver_limits inproc_limits;
    std::set<std::string> inproc;                          ///< driver ids hosted in-process
    std::map<std::string, hearth::process_limits> limits;  ///< per driver id
    std::map<std::string, std::string> plugin_override;    ///< per driver id: plugin file to load instead
    std::map<std::string, hearth::process_driver*> workers;
    recorder rec;
    std::unique_ptr<hearth::gateway> gw;
};

/// Starts "good" (zoo_good in a worker), "goodin" (zoo_good in-process) and `others`.
inline void start_with_neighbours(harness& h, std::vector<hearth::driver_config> others) {
    h.inproc.insert("goodin");
    others.insert(others.begin(), driver("zoo_good", "goodin"));
    others.insert(others.begin(), driver("zoo_good", "good"));
    h.start(others);
    ASSERT_TRUE(h.wait_online("good_switch")) << "the process-isolated neighbour did not come online";
    ASSERT_TRUE(h.wait_online("goodin_switch")) << "the in-process neighbour did not come online";
}

}  // namespace iso
