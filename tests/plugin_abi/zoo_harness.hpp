// Shared test harness of the bad-plugin zoo: plugin paths, a recording observer and a real
// gateway on an io_context that the test thread runs in short slices until a condition holds.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "core/clock.hpp"
#include "core/command.hpp"
#include "core/gateway.hpp"
#include "plugin/inproc_driver.hpp"
#include "plugin/plugin_module.hpp"

#include <hearth/plugin.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace zoo {

using namespace std::chrono_literals;
using json = nlohmann::json;
using steady = std::chrono::steady_clock;

constexpr auto call_timeout = 300ms;
constexpr auto watchdog_period = 50ms;
constexpr int max_failures = 3;

/// `text` contains `part` (with both in the failure message).
inline ::testing::AssertionResult contains(const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

inline std::filesystem::path plugin_file(const std::string& name) { return hearth::plugin_path(ZOO_DIR, name); }

/// A function exported by an already-loaded zoo plugin (probes of the hang/garbage plugins).
template <class Fn>
Fn probe(const std::string& plugin, const char* symbol) {
    void* handle = ::dlopen(plugin_file(plugin).c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr) return nullptr;
    void* sym = ::dlsym(handle, symbol);
    ::dlclose(handle);  // only drops the reference NOLOAD added; the loader's stays
    return reinterpret_cast<Fn>(sym);
}

inline hearth::driver_config driver(const std::string& plugin, const std::string& id) {
    hearth::driver_config dc;
    dc.plugin = plugin;
    dc.id = id;
    return dc;
}

/// Records what the gateway tells its observers.
class recorder final : public hearth::gateway_observer {
public:
    struct state_change {
        std::string device;
        json changed;
    };
    std::vector<json> bridge;
    std::vector<state_change> states;
    std::vector<std::string> added;
    int drivers_ready = 0;

    void on_bridge_event(const json& event) override { bridge.push_back(event); }
    void on_state_changed(const hearth::device_entry& d, const json& changed) override {
        states.push_back({d.descriptor.id, changed});
    }
    void on_device_added(const hearth::device_entry& d) override { added.push_back(d.descriptor.id); }
    void on_drivers_ready() override { ++drivers_ready; }

    /// The first bridge event of `type` about `driver`, if any.
    [[nodiscard]] std::optional<json> bridge_event(const std::string& type, const std::string& driver) const {
        for (const auto& e : bridge) {
            if (e.value("type", "") == type && e.value("driver", "") == driver) return e;
        }
        return std::nullopt;
    }
    /// True if, from index `since` on, a state change set `property` of `device` to `value`.
    [[nodiscard]] bool saw_state(std::size_t since, const std::string& device, const std::string& property,
                                 const json& value) const {
        for (std::size_t i = since; i < states.size(); ++i) {
            const auto& s = states[i];
            if (s.device == device && s.changed.contains(property) && s.changed[property] == value) return true;
        }
        return false;
    }
};

/// A real gateway with zoo drivers, on a loop the test thread runs.
class harness {
public:
    explicit harness(int failures = max_failures) {
        limits.call_timeout = call_timeout;
        limits.max_failures = failures;
        hearth::gateway::options opts;
        opts.watchdog_period = watchdog_period;
        opts.command_timeout = 3s;
        opts.ready_timeout = 3s;
        gw = std::make_unique<hearth::gateway>(loop, clock, opts);
        gw->add_observer(&rec);
    }
    ~harness() {
        if (gw) gw->remove_observer(&rec);
        gw.reset();  // stops the drivers (budget 1 s) before the loop goes away
    }
    harness(const harness&) = delete;
    harness& operator=(const harness&) = delete;

    /// Starts `drivers` through the same factory shape as hearthd (load_plugin + inproc_driver).
    void start(const std::vector<hearth::driver_config>& drivers) {
        auto factory = [this](const hearth::driver_config& dc, hearth::driver_events& events,
                              std::string& error) -> std::unique_ptr<hearth::driver_link> {
            auto it = modules.find(dc.plugin);
            if (it == modules.end()) {
                auto loaded = hearth::load_plugin(plugin_file(dc.plugin), dc.plugin);
                if (!loaded) {
                    error = loaded.error();
                    return nullptr;
                }
                it = modules.emplace(dc.plugin, *loaded).first;
            }
            return std::make_unique<hearth::inproc_driver>(loop, it->second, dc, events, clock, limits);
        };
        gw->start_drivers(drivers, factory);
    }

    /// Runs the loop in short slices until `pred` holds or `timeout` passes.
    template <class Pred>
    bool run_until(Pred pred, steady::duration timeout = 3s) {
        const auto deadline = steady::now() + timeout;
        while (!pred()) {
            if (steady::now() >= deadline) return false;
            loop.run_for(5ms);
        }
        return true;
    }

    /// Sends a command; the returned slot is filled when the outcome arrives.
    std::shared_ptr<std::optional<hearth::command_outcome>> send(const std::string& device, const std::string& name,
                                                                 json params = json::object()) {
        auto slot = std::make_shared<std::optional<hearth::command_outcome>>();
        hearth::device_command c;
        c.name = name;
        c.params = std::move(params);
        gw->execute(device, c, hearth::command_source{"internal", "zoo"},
                    [slot](const hearth::command_outcome& o) { *slot = o; });
        return slot;
    }

    /// Sends a command and runs the loop until its outcome arrives (or `timeout`).
    std::optional<hearth::command_outcome> execute(const std::string& device, const std::string& name,
                                                   steady::duration timeout = 3s) {
        auto slot = send(device, name);
        run_until([&] { return slot->has_value(); }, timeout);
        return *slot;
    }

    bool wait_online(const std::string& device, steady::duration timeout = 3s) {
        return run_until(
            [&] {
                const auto* d = gw->registry().find(device);
                return d != nullptr && d->online;
            },
            timeout);
    }

    bool wait_bridge(const std::string& type, const std::string& driver, steady::duration timeout = 3s) {
        return run_until([&] { return rec.bridge_event(type, driver).has_value(); }, timeout);
    }

    [[nodiscard]] hearth::driver_status status_of(const std::string& id) const {
        for (auto& st : gw->drivers()) {
            if (st.id == id) return st;
        }
        ADD_FAILURE() << "no driver '" << id << "'";
        return {};
    }

    /// The healthy neighbour "good" (device good_switch) still executes commands: `name` gives an
    /// ok outcome and the state change on=`on` reaches observers.
    void expect_good_neighbour_works(const std::string& name = "turn_on", bool on = true) {
        const std::size_t before = rec.states.size();
        auto out = execute("good_switch", name);
        ASSERT_TRUE(out.has_value()) << "no outcome for " << name << " to the good neighbour";
        EXPECT_TRUE(out->ok) << out->error;
        EXPECT_EQ(out->status, HEARTH_OK);
        EXPECT_TRUE(run_until([&] { return rec.saw_state(before, "good_switch", "on", on); }, 2s))
            << "state on=" << on << " of good_switch not observed";
    }

    // Declaration order is destruction order in reverse: gw goes first, the loop last.
    boost::asio::io_context loop;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{loop.get_executor()};
    hearth::system_clock_source clock;
    hearth::driver_limits limits;
    recorder rec;
    std::map<std::string, std::shared_ptr<const hearth::plugin_module>> modules;
    std::unique_ptr<hearth::gateway> gw;
};

/// Starts "good" (zoo_good) plus `others`, and waits until good_switch is online.
inline void start_with_good_neighbour(harness& h, std::vector<hearth::driver_config> others) {
    others.insert(others.begin(), driver("zoo_good", "good"));
    h.start(others);
    ASSERT_TRUE(h.wait_online("good_switch")) << "the good neighbour did not come online";
}

}  // namespace zoo
