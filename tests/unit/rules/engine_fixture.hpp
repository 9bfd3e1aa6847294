// Test fixture for the sans-I/O engine: a fake device state, a manual `now`, helpers to load rules
// from inline JSON (through the real loader, checked against the demo devices) and to pick effects.
#pragma once

#include "demo_devices.hpp"
#include "rules/engine.hpp"
#include "rules/scene_loader.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <memory>

namespace hearth::rules::testing {

using json = nlohmann::json;

/// 2024-01-01T00:00:00Z, a Monday. Tests run with TZ=UTC0 unless they say otherwise.
inline constexpr time_ms t0 = 1'704'067'200'000;
inline constexpr time_ms second = 1000;
inline constexpr time_ms minute = 60 * second;
inline constexpr time_ms hour = 60 * minute;

/// Sets the process time zone for one test and restores UTC0 afterwards.
class scoped_tz {
public:
    explicit scoped_tz(const char* tz) {
        setenv("TZ", tz, 1);
        tzset();
    }
    ~scoped_tz() {
        setenv("TZ", "UTC0", 1);
        tzset();
    }
    scoped_tz(const scoped_tz&) = delete;
    scoped_tz& operator=(const scoped_tz&) = delete;
};

/// Loads `doc` as one scene file, against the demo devices, with a location. Fails the test on errors.
inline rule_set rules_of(const json& doc) {
    load_options o;
    o.devices = demo_lookup();
    o.have_location = true;
    auto r = load_scene_sources({{"test.json", doc.dump()}}, o);
    if (!r)
        for (const auto& e : r.error()) ADD_FAILURE() << e.to_string(scene_labels);
    return r.value_or(rule_set{});
}

inline std::vector<effect> only(const effects& all, effect::kind k) {
    std::vector<effect> out;
    for (const auto& e : all)
        if (e.what == k) out.push_back(e);
    return out;
}

class engine_test : public ::testing::Test {
protected:
    void SetUp() override {
        setenv("TZ", "UTC0", 1);
        tzset();
        world["hall_lock"] = {{"lock_state", "unlocked"}, {"door_state", "closed"}};
        world["living_light"] = {{"on", false}, {"brightness", 50}};
        world["kitchen_fridge"] = {{"fridge_temp", 4.0}, {"door_open", false}};
        world["robot_vacuum"] = {{"operational_state", "docked"}, {"battery", 100}};
        world["hall_motion"] = {{"on", false}};
        world["bathroom_washer"] = {{"operational_state", "stopped"}};
    }

    state_view view() {
        return [this](const std::string& d, const std::string& p) -> const json* {
            auto dev = world.find(d);
            if (dev == world.end() || !dev->second.contains(p)) return nullptr;
            return &dev->second[p];
        };
    }

    /// A fresh engine with `doc` loaded (and started unless told otherwise).
    void make(const json& doc, bool start = true, std::vector<pending_timer> restored = {},
              std::optional<time_ms> last_alive = std::nullopt) {
        eng = std::make_unique<engine>(view(), geo_location{52.52, 13.405}, tariffs);
        record(eng->load(rules_of(doc), {}, now));
        eng->restore_timers(restored);
        if (start) record(eng->start(now, last_alive));
    }

    effects record(effects e) {
        for (const auto& x : e) {
            log.push_back(x);
            if (x.what == effect::kind::save_timer) timers[x.rule + "/" + x.run] = {x.rule, x.run, x.due, x.data};
            if (x.what == effect::kind::drop_timer) timers.erase(x.rule + "/" + x.run);
        }
        return e;
    }

    effects set(const std::string& device, const std::string& property, const json& value) {
        json old = world[device].contains(property) ? world[device][property] : json(nullptr);
        world[device][property] = value;
        return record(eng->on_state_change(device, property, old, value, now));
    }

    effects advance(time_ms ms) {
        now += ms;
        return record(eng->tick(now));
    }

    /// Answers every command in `e` (recursively, as the host would), returning all effects.
    effects answer(effects e, bool ok = true, const std::string& error = "refused") {
        effects all = e;
        for (const auto& c : only(e, effect::kind::command)) {
            auto more = answer(record(eng->on_command_result(c.token, ok, ok ? "" : error, now)), ok, error);
            all.insert(all.end(), more.begin(), more.end());
        }
        return all;
    }

    std::vector<pending_timer> persisted() const {
        std::vector<pending_timer> out;
        for (const auto& [k, t] : timers) out.push_back(t);
        return out;
    }

    std::map<std::string, json> world;
    energy_config tariffs;  ///< given to the engine by make() (none by default)
    std::unique_ptr<engine> eng;
    time_ms now = t0;
    effects log;
    std::map<std::string, pending_timer> timers;  ///< what the store would hold
};

/// An automation document with one rule.
inline json one_rule(json rule) { return {{"automations", json::array({std::move(rule)})}}; }

}  // namespace hearth::rules::testing
