// Unit test of the demo driver. The simulation (plugins/demo, library demo_sim) runs against a
// fake host_api whose clock the test controls and whose timers the test steps (deterministic: no
// sleeps, no threads): descriptors (pinned by the Home Assistant discovery cases), simulated
// behaviour over time, commands, events, config validation against the schema and timer cleanup.
// The built demo.so (DEMO_PLUGIN_PATH) is also loaded through its C ABI and run on the toolkit's
// io thread in real time with hearth::testing's fake host.
#include "core/driver_schema.hpp"
#include "demo_schema.hpp"
#include "simulation.hpp"

#include <hearth/plugin.h>
#include <hearth/testing/driver_instance.hpp>
#include <hearth/testing/fake_host.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#if !defined(DEMO_PLUGIN_PATH) || !defined(DISCOVERY_CASES_DIR)
#error "DEMO_PLUGIN_PATH and DISCOVERY_CASES_DIR must be defined"
#endif

namespace {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Loading the plugin

const hearth_plugin_v1_api* plugin() {
    static const hearth_plugin_v1_api* api = [] {
        void* handle = dlopen(DEMO_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);  // never closed, like the host
        if (handle == nullptr) return static_cast<const hearth_plugin_v1_api*>(nullptr);
        auto entry = reinterpret_cast<hearth_plugin_entry_v1_fn>(dlsym(handle, HEARTH_PLUGIN_ENTRY_V1_NAME));
        return entry == nullptr ? nullptr : entry(HEARTH_ABI_MINOR);
    }();
    return api;
}

std::string str(hearth_str s) { return s.data == nullptr ? std::string() : std::string(s.data, s.size); }

// ---------------------------------------------------------------------------------------------
// Descriptor and state checks mirroring the core's rules

const std::set<std::string> k_types = {"light", "switch", "plug",   "climate", "refrigerator", "washer",
                                       "lock",  "camera", "vacuum", "sensor",  "binary_sensor"};

/// Returns "" when `p` is a well-formed property (or command parameter) spec, else the reason.
std::string check_property_spec(const json& p) {
    if (!p.is_object() || !p.contains("type") || !p["type"].is_string()) return "no type";
    const auto t = p["type"].get<std::string>();
    if (t != "bool" && t != "int" && t != "number" && t != "string" && t != "enum") return "bad type " + t;
    if (t == "enum" && (!p.contains("values") || !p["values"].is_array() || p["values"].empty()))
        return "enum without values";
    if (p.contains("min") && p.contains("max") && p["min"].get<double>() > p["max"].get<double>()) return "min > max";
    if (p.contains("writable") && !p["writable"].is_boolean()) return "writable not bool";
    if (p.contains("unit") && !p["unit"].is_string()) return "unit not string";
    return "";
}

std::string check_descriptor(const json& d) {
    static const std::regex id_re("[a-z0-9_-]{1,64}");
    static const std::regex name_re("[a-z0-9_]{1,64}");
    if (!d.is_object()) return "not an object";
    for (const char* key : {"id", "name", "type", "manufacturer", "model", "sw_version"})
        if (!d.contains(key) || !d[key].is_string()) return std::string("missing ") + key;
    if (!std::regex_match(d["id"].get<std::string>(), id_re)) return "bad id";
    if (k_types.count(d["type"].get<std::string>()) == 0) return "bad type";
    if (d.contains("device_class") && !d["device_class"].is_string()) return "bad device_class";
    if (!d.contains("properties") || !d["properties"].is_object() || d["properties"].empty()) return "no properties";
    for (const auto& [name, p] : d["properties"].items()) {
        if (!std::regex_match(name, name_re)) return "bad property name " + name;
        if (auto why = check_property_spec(p); !why.empty()) return name + ": " + why;
    }
    if (!d.contains("commands") || !d["commands"].is_object()) return "no commands object";
    for (const auto& [name, c] : d["commands"].items()) {
        if (name == "set") return "command named set";
        if (!c.is_object() || !c.contains("params") || !c["params"].is_object()) return name + ": no params";
        for (const auto& [pn, p] : c["params"].items())
            if (auto why = check_property_spec(p); !why.empty()) return name + "." + pn + ": " + why;
    }
    if (!d.contains("events") || !d["events"].is_array()) return "no events array";
    for (const auto& e : d["events"])
        if (!e.is_string()) return "event not a string";
    return "";
}

/// Returns "" when `v` is a valid value of property spec `p`.
std::string check_value(const json& p, const json& v) {
    const auto t = p["type"].get<std::string>();
    if (t == "bool" && !v.is_boolean()) return "not bool";
    if (t == "int" && !v.is_number_integer()) return "not int";
    if (t == "number" && !v.is_number()) return "not number";
    if (t == "string" && !v.is_string()) return "not string";
    if (t == "enum") {
        if (!v.is_string()) return "enum not string";
        const auto& values = p["values"];
        if (std::find(values.begin(), values.end(), v) == values.end()) return "not in enum: " + v.dump();
    }
    if (v.is_number()) {
        if (p.contains("min") && v.get<double>() < p["min"].get<double>() - 1e-9) return "below min: " + v.dump();
        if (p.contains("max") && v.get<double>() > p["max"].get<double>() + 1e-9) return "above max: " + v.dump();
    }
    return "";
}

// ---------------------------------------------------------------------------------------------
// The fake host

struct fake_host {
    struct timer {
        std::uint64_t id;
        std::uint64_t due;
        hearth_timer_fn fn;
        void* user;
    };
    struct event {
        std::string device;
        json body;
    };
    struct result {
        std::uint64_t command_id;
        int status;
        std::string message;
    };

    std::uint64_t now = 1'700'000'000'000ULL;  // 2023-11-14T22:13:20Z
    hearth::demo::sim_host* sim = nullptr;     // the simulation's timers, stepped by advance()
    std::uint64_t next_timer_id = 1;
    std::vector<timer> timers;
    std::size_t cancels = 0;
    std::size_t fired = 0;

    std::map<std::string, json> descriptors;
    std::map<std::string, json> state;                       // merged reported state
    std::map<std::string, std::vector<json>> state_reports;  // every report per device
    std::vector<event> events;
    std::map<std::string, bool> online;
    std::vector<result> results;
    std::vector<std::string> logs;
    std::vector<std::string> violations;  // reports inconsistent with the descriptor
    int ready = 0;
    std::size_t reports = 0;  // state + event + availability reports

    hearth_host_api api{};

    fake_host() {
        api.struct_size = sizeof(hearth_host_api);
        api.abi_major = HEARTH_ABI_MAJOR;
        api.abi_minor = HEARTH_ABI_MINOR;
        api.log = [](hearth_host* h, int level, hearth_str m) {
            self(h).logs.push_back(std::to_string(level) + " " + str(m));
        };
        api.register_device = [](hearth_host* h, hearth_str d) { return self(h).on_register(str(d)); };
        api.remove_device = [](hearth_host* h, hearth_str id) {
            self(h).descriptors.erase(str(id));
            return static_cast<int>(HEARTH_OK);
        };
        api.report_state = [](hearth_host* h, hearth_str id, hearth_str s) {
            return self(h).on_state(str(id), str(s));
        };
        api.report_event = [](hearth_host* h, hearth_str id, hearth_str e) {
            return self(h).on_event(str(id), str(e));
        };
        api.report_availability = [](hearth_host* h, hearth_str id, int on) {
            ++self(h).reports;
            self(h).online[str(id)] = on != 0;
            return static_cast<int>(HEARTH_OK);
        };
        api.command_result = [](hearth_host* h, std::uint64_t cid, int st, hearth_str m) {
            self(h).results.push_back({cid, st, str(m)});
            return static_cast<int>(HEARTH_OK);
        };
        api.set_timer = [](hearth_host* h, std::uint32_t delay, hearth_timer_fn fn, void* user) {
            fake_host& f = self(h);
            const std::uint64_t id = f.next_timer_id++;
            f.timers.push_back({id, f.now + delay, fn, user});
            return id;
        };
        api.cancel_timer = [](hearth_host* h, std::uint64_t id) {
            fake_host& f = self(h);
            ++f.cancels;
            std::erase_if(f.timers, [id](const timer& t) { return t.id == id; });
        };
        api.now_ms = [](hearth_host* h) { return self(h).now; };
        api.report_ready = [](hearth_host* h) {
            ++self(h).ready;
            return static_cast<int>(HEARTH_OK);
        };
    }
    fake_host(const fake_host&) = delete;
    fake_host& operator=(const fake_host&) = delete;

    static fake_host& self(hearth_host* h) { return *reinterpret_cast<fake_host*>(h); }
    hearth_host* ctx() { return reinterpret_cast<hearth_host*>(this); }

    int on_register(const std::string& text) {
        const json d = json::parse(text);
        if (auto why = check_descriptor(d); !why.empty()) {
            violations.push_back("descriptor " + text.substr(0, 80) + ": " + why);
            return HEARTH_ERR_INVALID;
        }
        descriptors[d["id"].get<std::string>()] = d;
        return HEARTH_OK;
    }
    int on_state(const std::string& id, const std::string& text) {
        ++reports;
        const json s = json::parse(text);
        auto d = descriptors.find(id);
        if (d == descriptors.end()) {
            violations.push_back("state for unregistered " + id);
            return HEARTH_ERR_INVALID;
        }
        for (const auto& [name, v] : s.items()) {
            if (!d->second["properties"].contains(name)) {
                violations.push_back(id + ": undeclared property " + name);
                continue;
            }
            if (auto why = check_value(d->second["properties"][name], v); !why.empty())
                violations.push_back(id + "." + name + ": " + why);
            state[id][name] = v;
        }
        state_reports[id].push_back(s);
        return HEARTH_OK;
    }
    int on_event(const std::string& id, const std::string& text) {
        ++reports;
        const json e = json::parse(text);
        auto d = descriptors.find(id);
        if (d == descriptors.end() || !e.contains("event_type") ||
            std::find(d->second["events"].begin(), d->second["events"].end(), e["event_type"]) ==
                d->second["events"].end()) {
            violations.push_back(id + ": undeclared event " + text.substr(0, 80));
            return HEARTH_ERR_INVALID;
        }
        events.push_back({id, e});
        return HEARTH_OK;
    }

    /// Advances the fake clock by `ms`, running the simulation's timers in order at their due time.
    void advance(std::uint64_t ms) {
        const std::uint64_t target = now + ms;
        for (auto due = sim == nullptr ? std::nullopt : sim->next_due(); due && *due <= target; due = sim->next_due()) {
            now = std::max(now, *due);
            fired += sim->run_due();
        }
        now = target;
    }
    /// Advances in `step_ms` steps until `done()` or `max_ms` elapsed; true if done() became true.
    bool advance_until(const std::function<bool()>& done, std::uint64_t max_ms, std::uint64_t step_ms = 1000) {
        for (std::uint64_t t = 0; t < max_ms; t += step_ms) {
            if (done()) return true;
            advance(step_ms);
        }
        return done();
    }

    std::vector<json> events_of(const std::string& device, const std::string& type) const {
        std::vector<json> out;
        for (const auto& e : events)
            if (e.device == device && e.body["event_type"] == type) out.push_back(e.body);
        return out;
    }
    /// Every value `property` of `device` took, in report order.
    std::vector<json> history(const std::string& device, const std::string& property) const {
        std::vector<json> out;
        if (auto it = state_reports.find(device); it != state_reports.end())
            for (const auto& r : it->second)
                if (r.contains(property)) out.push_back(r[property]);
        return out;
    }
};

// ---------------------------------------------------------------------------------------------
// Fixture: one demo instance on one fake host

/// Runs `cmd` on `sim` as the plugin ABI would: the status, or the refusal's code and message.
int run_command(hearth::demo::simulation& sim, const hearth::command& cmd, std::string* error) {
    try {
        return static_cast<int>(sim.handle_command(cmd));
    } catch (const hearth::command_error& e) {
        if (error != nullptr) *error = e.what();
        return static_cast<int>(e.code());
    }
}

class demo_test : public ::testing::Test {
protected:
    void TearDown() override {
        if (sim_ != nullptr) sim_->stop();
        EXPECT_TRUE(host_.violations.empty()) << ::testing::PrintToString(host_.violations);
    }

    void start(const json& config = json::object()) {
        ASSERT_TRUE(hearth::check_driver_config(hearth::demo::k_config_schema, config).empty());
        sim_ = std::make_unique<hearth::demo::simulation>(sdk_host_, config);
        host_.sim = &sim_->timers();
        sim_->start();
    }
    /// Sends a command; `error` receives the driver's reason on failure.
    int command(const std::string& device, const std::string& name, const json& params = json::object(),
                std::string* error = nullptr, std::uint64_t command_id = 0) {
        const hearth::command cmd{command_id == 0 ? ++next_command_id_ : command_id, device, name, params};
        return run_command(*sim_, cmd, error);
    }
    json st(const std::string& device, const std::string& property) { return host_.state[device][property]; }

    fake_host host_;
    hearth::host sdk_host_{&host_.api, host_.ctx()};
    std::unique_ptr<hearth::demo::simulation> sim_;
    std::uint64_t next_command_id_ = 0;
};

const std::map<std::string, std::string> k_expected_ids = {{"living_light", "light"},
                                                           {"porch_switch", "switch"},
                                                           {"kitchen_plug", "plug"},
                                                           {"bedroom_ac", "climate"},
                                                           {"kitchen_fridge", "refrigerator"},
                                                           {"bathroom_washer", "washer"},
                                                           {"hall_lock", "lock"},
                                                           {"front_camera", "camera"},
                                                           {"robot_vacuum", "vacuum"},
                                                           {"living_climate_sensor", "sensor"},
                                                           {"hall_motion", "binary_sensor"}};

// ---------------------------------------------------------------------------------------------

TEST_F(demo_test, exports_a_v1_plugin_named_demo) {
    const auto* api = plugin();
    EXPECT_EQ(api->abi_major, 1U);
    EXPECT_GE(api->struct_size, sizeof(hearth_plugin_v1_api));
    EXPECT_STREQ(api->name, "demo");
    EXPECT_NE(api->version, nullptr);
    EXPECT_NE(api->create, nullptr);
    EXPECT_NE(api->start, nullptr);
    EXPECT_NE(api->handle_command, nullptr);
    EXPECT_NE(api->stop, nullptr);
    EXPECT_NE(api->destroy, nullptr);
}

TEST_F(demo_test, registers_every_device_type_online_with_full_state_then_ready) {
    start();
    EXPECT_EQ(host_.ready, 1);
    ASSERT_EQ(host_.descriptors.size(), k_expected_ids.size());
    std::set<std::string> types;
    for (const auto& [id, type] : k_expected_ids) {
        ASSERT_TRUE(host_.descriptors.contains(id)) << id;
        const json& d = host_.descriptors[id];
        EXPECT_EQ(d["type"], type) << id;
        EXPECT_EQ(d["manufacturer"], "Hearth");
        types.insert(type);
        EXPECT_TRUE(host_.online[id]) << id;
        // The first report is the full state: every declared property, nothing else.
        ASSERT_FALSE(host_.state_reports[id].empty()) << id;
        const json& first = host_.state_reports[id].front();
        for (const auto& [name, spec] : d["properties"].items()) EXPECT_TRUE(first.contains(name)) << id << "." << name;
        EXPECT_EQ(first.size(), d["properties"].size()) << id;
    }
    EXPECT_EQ(types, k_types);
    EXPECT_EQ(host_.descriptors["living_climate_sensor"]["device_class"], "temperature");
    EXPECT_EQ(host_.descriptors["hall_motion"]["device_class"], "motion");
    EXPECT_EQ(host_.descriptors["bedroom_ac"]["properties"]["target_temp"]["step"], 0.5);
    EXPECT_TRUE(host_.descriptors["kitchen_fridge"]["properties"]["door_open"]["writable"].get<bool>());
    // Run a simulated day: every report stays consistent with the descriptors (checked by the fake).
    host_.advance(24 * 3600 * 1000);
    EXPECT_GT(host_.fired, 80000U);
}

TEST_F(demo_test, id_prefix_and_devices_select_and_rename) {
    start({{"id_prefix", "b_"}, {"devices", {"lock", "camera"}}, {"tick_ms", 500}});
    std::set<std::string> ids;
    for (const auto& [id, d] : host_.descriptors) ids.insert(id);
    EXPECT_EQ(ids, (std::set<std::string>{"b_hall_lock", "b_front_camera"}));
}

/// The schema's complaints about `config`, one string of pointers and reasons.
std::string config_problems(const json& config) {
    std::string out;
    for (const auto& e : hearth::check_driver_config(hearth::demo::k_config_schema, config))
        out += e.pointer + ": " + e.reason + "\n";
    return out;
}

TEST(demo_config, bad_config_is_refused_naming_the_key) {
    EXPECT_NE(config_problems({{"bogus_key", 1}}).find("bogus_key"), std::string::npos);
    EXPECT_NE(config_problems({{"tick_ms", "fast"}}).find("tick_ms"), std::string::npos);
    EXPECT_NE(config_problems({{"tick_ms", 1.5}}).find("tick_ms"), std::string::npos);
    EXPECT_NE(config_problems({{"tick_ms", 0}}).find("tick_ms"), std::string::npos);
    EXPECT_NE(config_problems({{"id_prefix", 7}}).find("id_prefix"), std::string::npos);
    EXPECT_NE(config_problems({{"id_prefix", "Upper Case"}}).find("id_prefix"), std::string::npos);
    EXPECT_NE(config_problems({{"seed", "one"}}).find("seed"), std::string::npos);
    EXPECT_NE(config_problems({{"devices", "light"}}).find("devices"), std::string::npos);
    EXPECT_NE(config_problems({{"devices", {"toaster"}}}).find("/devices/0"), std::string::npos);
    EXPECT_NE(config_problems({{"jam_lock", 1}}).find("jam_lock"), std::string::npos);
    EXPECT_EQ(config_problems({{"tick_ms", 10}, {"id_prefix", "a-b_1"}, {"seed", -3}, {"devices", {"lock"}}}), "");
}

TEST(demo_config, an_id_prefix_that_would_make_ids_longer_than_64_characters_is_refused) {
    // 43 + "living_climate_sensor" (21) = 64: the longest prefix every device id fits with.
    EXPECT_EQ(config_problems({{"id_prefix", std::string(43, 'p')}}), "");
    EXPECT_NE(config_problems({{"id_prefix", std::string(44, 'p')}}).find("id_prefix"), std::string::npos);
}

TEST_F(demo_test, washer_counts_down_and_finishes_its_cycle) {
    start({{"devices", {"washer"}}});
    const std::string w = "bathroom_washer";
    EXPECT_EQ(st(w, "operational_state"), "running");
    const auto r0 = st(w, "remaining_s").get<std::int64_t>();
    host_.advance(10'000);
    EXPECT_EQ(st(w, "remaining_s").get<std::int64_t>(), r0 - 10);
    // Run to the end; an unbalanced load (operational_error) is cleared with resume.
    const bool finished = host_.advance_until(
        [&] {
            if (st(w, "operational_state") == "error") {
                EXPECT_EQ(command(w, "resume"), HEARTH_OK);
            }
            return !host_.events_of(w, "cycle_finished").empty();
        },
        3 * 3600 * 1000);
    ASSERT_TRUE(finished);
    EXPECT_EQ(st(w, "operational_state"), "stopped");
    EXPECT_EQ(st(w, "phase"), "done");
    EXPECT_EQ(st(w, "remaining_s"), 0);
    const auto phases = host_.history(w, "phase");
    for (const char* p : {"rinse", "spin", "done"})
        EXPECT_NE(std::find(phases.begin(), phases.end(), json(p)), phases.end()) << p;
    // A new cycle with a chosen program; pause/resume/stop follow the operational state.
    EXPECT_EQ(command(w, "start", {{"program", "cotton"}}), HEARTH_OK);
    EXPECT_EQ(st(w, "operational_state"), "running");
    EXPECT_EQ(st(w, "remaining_s"), 7200);
    EXPECT_EQ(st(w, "phase"), "wash");
    EXPECT_EQ(command(w, "start"), HEARTH_ERR_INVALID);
    EXPECT_EQ(command(w, "pause"), HEARTH_OK);
    host_.advance(60'000);
    EXPECT_EQ(st(w, "remaining_s"), 7200);
    EXPECT_EQ(command(w, "resume"), HEARTH_OK);
    EXPECT_EQ(command(w, "stop"), HEARTH_OK);
    EXPECT_EQ(st(w, "operational_state"), "stopped");
}

TEST_F(demo_test, vacuum_cleans_drains_and_docks) {
    start({{"devices", {"vacuum"}}});
    const std::string v = "robot_vacuum";
    EXPECT_EQ(st(v, "operational_state"), "running");
    const auto b0 = st(v, "battery").get<std::int64_t>();
    const auto a0 = st(v, "clean_area_m2").get<double>();
    host_.advance(300'000);
    EXPECT_LT(st(v, "battery").get<std::int64_t>(), b0);
    EXPECT_GT(st(v, "clean_area_m2").get<double>(), a0);
    const bool docked = host_.advance_until(
        [&] {
            if (st(v, "operational_state") == "error") {
                EXPECT_EQ(command(v, "resume"), HEARTH_OK);
            }
            return st(v, "operational_state") == "docked";
        },
        6 * 3600 * 1000);
    ASSERT_TRUE(docked);
    EXPECT_EQ(st(v, "battery"), 100);
    const auto states = host_.history(v, "operational_state");
    for (const char* s : {"seeking_charger", "charging", "docked"})
        EXPECT_NE(std::find(states.begin(), states.end(), json(s)), states.end()) << s;
    ASSERT_FALSE(host_.events_of(v, "operation_completed").empty());
    // Commands: set_fan_speed, clean_areas, pause/resume, return_to_dock.
    EXPECT_EQ(command(v, "set_fan_speed", {{"fan_speed", "max"}}), HEARTH_OK);
    EXPECT_EQ(st(v, "fan_speed"), "max");
    EXPECT_EQ(command(v, "clean_areas", {{"areas", "kitchen, hall"}}), HEARTH_OK);
    EXPECT_EQ(st(v, "operational_state"), "running");
    EXPECT_EQ(st(v, "areas"), "kitchen, hall");
    EXPECT_EQ(st(v, "clean_area_m2"), 0.0);
    EXPECT_EQ(command(v, "pause"), HEARTH_OK);
    EXPECT_EQ(st(v, "operational_state"), "paused");
    EXPECT_EQ(command(v, "resume"), HEARTH_OK);
    EXPECT_EQ(command(v, "locate"), HEARTH_OK);
    EXPECT_EQ(command(v, "return_to_dock"), HEARTH_OK);
    EXPECT_EQ(st(v, "operational_state"), "seeking_charger");
    EXPECT_EQ(command(v, "pause"), HEARTH_OK);
    EXPECT_EQ(command(v, "resume"), HEARTH_OK);
    EXPECT_EQ(st(v, "operational_state"), "seeking_charger");
}

TEST_F(demo_test, plug_power_fluctuates_and_energy_accumulates) {
    start({{"devices", {"plug"}}});
    const std::string p = "kitchen_plug";
    EXPECT_EQ(st(p, "on"), true);
    host_.advance(3600 * 1000);
    const double e1 = st(p, "energy_kwh").get<double>();
    EXPECT_GT(e1, 0.04);  // >= 45 W for an hour
    EXPECT_LT(e1, 1.0);
    std::set<double> powers;
    for (const auto& w : host_.history(p, "power_w")) powers.insert(w.get<double>());
    EXPECT_GT(powers.size(), 20U);
    EXPECT_GT(*powers.rbegin(), 1000.0);  // a heating burst happened
    EXPECT_EQ(command(p, "turn_off"), HEARTH_OK);
    EXPECT_EQ(st(p, "power_w"), 0.0);
    const double e2 = st(p, "energy_kwh").get<double>();
    host_.advance(3600 * 1000);
    EXPECT_EQ(st(p, "energy_kwh").get<double>(), e2);
    EXPECT_EQ(st(p, "power_w"), 0.0);
    EXPECT_EQ(command(p, "set", {{"on", true}}), HEARTH_OK);
    host_.advance(600 * 1000);
    EXPECT_GT(st(p, "energy_kwh").get<double>(), e2);
}

TEST_F(demo_test, lock_moves_through_transitions_and_completes_commands_later) {
    start({{"devices", {"lock"}}});
    const std::string l = "hall_lock";
    EXPECT_EQ(st(l, "lock_state"), "locked");
    EXPECT_EQ(command(l, "unlock", json::object(), nullptr, 42), HEARTH_PENDING);
    EXPECT_EQ(st(l, "lock_state"), "unlocking");
    EXPECT_TRUE(host_.results.empty());
    std::string error;
    EXPECT_EQ(command(l, "lock", json::object(), &error), HEARTH_ERR_DEVICE);  // busy
    EXPECT_FALSE(error.empty());
    host_.advance(2000);
    EXPECT_EQ(st(l, "lock_state"), "unlocked");
    ASSERT_EQ(host_.results.size(), 1U);
    EXPECT_EQ(host_.results[0].command_id, 42U);
    EXPECT_EQ(host_.results[0].status, HEARTH_OK);
    auto ops = host_.events_of(l, "lock_operation");
    ASSERT_EQ(ops.size(), 1U);
    EXPECT_EQ(ops[0]["operation"], "unlock");
    EXPECT_EQ(ops[0]["source"], "remote");
    EXPECT_EQ(ops[0]["result"], "success");

    EXPECT_EQ(command(l, "lock", json::object(), nullptr, 43), HEARTH_PENDING);
    EXPECT_EQ(st(l, "lock_state"), "locking");
    host_.advance(2000);
    EXPECT_EQ(st(l, "lock_state"), "locked");
    ASSERT_EQ(host_.results.size(), 2U);
    EXPECT_EQ(host_.results[1].status, HEARTH_OK);

    // Auto-relock after auto_relock_s once unlocked.
    EXPECT_EQ(command(l, "set", {{"auto_relock_s", 30}}), HEARTH_OK);
    EXPECT_EQ(command(l, "unlock"), HEARTH_PENDING);
    host_.advance(2000);
    EXPECT_EQ(st(l, "lock_state"), "unlocked");
    host_.advance(29'000);  // settled at +1.5 s, relocks at +31.5 s
    EXPECT_EQ(st(l, "lock_state"), "unlocked");
    host_.advance(1000);
    EXPECT_EQ(st(l, "lock_state"), "locking");
    host_.advance(2000);
    EXPECT_EQ(st(l, "lock_state"), "locked");
    EXPECT_EQ(host_.events_of(l, "lock_operation").back()["source"], "auto");

    // Unlatch: unlatched, the door opens and closes again.
    EXPECT_EQ(command(l, "unlatch"), HEARTH_PENDING);
    host_.advance(2000);
    EXPECT_EQ(st(l, "lock_state"), "unlatched");
    host_.advance(3000);
    EXPECT_EQ(st(l, "door_state"), "open");
    EXPECT_EQ(command(l, "lock", json::object(), &error), HEARTH_ERR_DEVICE);  // door not closed
    host_.advance(10'000);
    EXPECT_EQ(st(l, "door_state"), "closed");
    EXPECT_EQ(st(l, "lock_state"), "unlocked");
}

TEST_F(demo_test, jam_lock_jams_with_an_alarm) {
    start({{"devices", {"lock"}}, {"jam_lock", true}});
    const std::string l = "hall_lock";
    EXPECT_EQ(command(l, "unlock"), HEARTH_PENDING);
    host_.advance(2000);
    EXPECT_EQ(st(l, "lock_state"), "unlocked");
    EXPECT_EQ(command(l, "lock", json::object(), nullptr, 77), HEARTH_PENDING);
    host_.advance(2000);
    EXPECT_EQ(st(l, "lock_state"), "jammed");
    const auto alarms = host_.events_of(l, "lock_alarm");
    ASSERT_EQ(alarms.size(), 1U);
    EXPECT_EQ(alarms[0]["alarm"], "jammed");
    EXPECT_EQ(host_.events_of(l, "lock_operation").back()["result"], "failure");
    ASSERT_EQ(host_.results.size(), 2U);
    EXPECT_EQ(host_.results[1].command_id, 77U);
    EXPECT_EQ(host_.results[1].status, HEARTH_ERR_DEVICE);
    // Retrying works: the jam was a one-off.
    EXPECT_EQ(command(l, "lock"), HEARTH_PENDING);
    host_.advance(2000);
    EXPECT_EQ(st(l, "lock_state"), "locked");
}

std::vector<std::uint8_t> base64_decode(const std::string& in) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::vector<std::uint8_t> out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : in) {
        if (c == '=') break;
        const auto pos = alphabet.find(c);
        if (pos == std::string::npos) return {};
        acc = (acc << 6U) | static_cast<std::uint32_t>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((acc >> static_cast<unsigned>(bits)) & 0xFFU));
        }
    }
    return out;
}

TEST_F(demo_test, camera_snapshot_is_a_jpeg_and_privacy_refuses_it) {
    start({{"devices", {"camera"}}});
    const std::string c = "front_camera";
    EXPECT_EQ(command(c, "snapshot"), HEARTH_OK);
    auto snaps = host_.events_of(c, "snapshot");
    ASSERT_EQ(snaps.size(), 1U);
    EXPECT_EQ(snaps[0]["content_type"], "image/jpeg");
    const auto jpeg = base64_decode(snaps[0]["image_base64"].get<std::string>());
    ASSERT_GT(jpeg.size(), 1000U);
    EXPECT_EQ(jpeg[0], 0xFF);
    EXPECT_EQ(jpeg[1], 0xD8);
    EXPECT_EQ(jpeg[jpeg.size() - 2], 0xFF);
    EXPECT_EQ(jpeg[jpeg.size() - 1], 0xD9);
    host_.advance(7000);
    EXPECT_EQ(command(c, "snapshot"), HEARTH_OK);
    snaps = host_.events_of(c, "snapshot");
    ASSERT_EQ(snaps.size(), 2U);
    EXPECT_NE(snaps[0]["image_base64"], snaps[1]["image_base64"]);  // the card follows the clock

    EXPECT_EQ(command(c, "set_privacy", {{"on", true}}), HEARTH_OK);
    EXPECT_EQ(st(c, "privacy_mode"), true);
    std::string error;
    EXPECT_EQ(command(c, "snapshot", json::object(), &error), HEARTH_ERR_INVALID);
    EXPECT_EQ(error, "privacy mode is on");
    EXPECT_EQ(host_.events_of(c, "snapshot").size(), 2U);
    const auto motion_before = host_.events_of(c, "motion").size();
    host_.advance(3600 * 1000);
    EXPECT_EQ(host_.events_of(c, "motion").size(), motion_before);  // privacy: no motion
    EXPECT_EQ(command(c, "set", {{"privacy_mode", false}}), HEARTH_OK);
    EXPECT_EQ(command(c, "snapshot"), HEARTH_OK);
    host_.advance(6 * 3600 * 1000);
    EXPECT_FALSE(host_.events_of(c, "motion").empty());
    EXPECT_FALSE(host_.events_of(c, "doorbell").empty());
}

TEST_F(demo_test, light_commands_and_property_writes) {
    start({{"devices", {"light", "switch"}}});
    const std::string l = "living_light";
    EXPECT_EQ(command(l, "turn_off"), HEARTH_OK);
    EXPECT_EQ(st(l, "on"), false);
    EXPECT_EQ(command(l, "turn_on", {{"brightness", 40}, {"color_temp_k", 5000}}), HEARTH_OK);
    EXPECT_EQ(st(l, "on"), true);
    EXPECT_EQ(st(l, "brightness"), 40);
    EXPECT_EQ(st(l, "color_temp_k"), 5000);
    EXPECT_EQ(command(l, "toggle"), HEARTH_OK);
    EXPECT_EQ(st(l, "on"), false);
    EXPECT_EQ(command(l, "set", {{"on", true}, {"brightness", 10}}), HEARTH_OK);
    EXPECT_EQ(st(l, "brightness"), 10);
    EXPECT_EQ(command("porch_switch", "toggle"), HEARTH_OK);
    EXPECT_EQ(st("porch_switch", "on"), true);
    EXPECT_EQ(command("no_such_device", "toggle"), HEARTH_ERR_INVALID);
}

TEST_F(demo_test, climate_and_fridge_follow_their_targets) {
    start({{"devices", {"climate", "refrigerator"}}});
    const std::string ac = "bedroom_ac";
    EXPECT_EQ(command(ac, "set", {{"on", true}, {"mode", "cool"}, {"target_temp", 18.5}, {"fan_speed", "high"}}),
              HEARTH_OK);
    host_.advance(2 * 3600 * 1000);
    EXPECT_NEAR(st(ac, "current_temp").get<double>(), 18.5, 0.5);
    EXPECT_EQ(command(ac, "turn_off"), HEARTH_OK);
    host_.advance(2 * 3600 * 1000);
    EXPECT_GT(st(ac, "current_temp").get<double>(), 22.0);  // drifts back to the warm room

    const std::string f = "kitchen_fridge";
    const double before = st(f, "fridge_temp").get<double>();
    EXPECT_EQ(command(f, "set", {{"door_open", true}}), HEARTH_OK);
    host_.advance(61'000);
    ASSERT_EQ(host_.events_of(f, "door_left_open").size(), 1U);
    EXPECT_GT(st(f, "fridge_temp").get<double>(), before + 1);
    host_.advance(10 * 60'000);
    EXPECT_EQ(st(f, "door_open"), true);  // held open by the user until closed
    ASSERT_FALSE(host_.events_of(f, "temperature_alarm").empty());
    EXPECT_EQ(host_.events_of(f, "temperature_alarm")[0]["compartment"], "fridge");
    EXPECT_EQ(command(f, "set", {{"door_open", false}, {"fridge_target", 3.0}}), HEARTH_OK);
    host_.advance(3 * 3600 * 1000);
    EXPECT_NEAR(st(f, "fridge_temp").get<double>(), 3.0, 1.5);
}

TEST_F(demo_test, same_seed_replays_the_same_behaviour) {
    auto run = [](std::int64_t seed) {
        fake_host h;
        hearth::host sdk_host(&h.api, h.ctx());
        hearth::demo::simulation sim(sdk_host, json{{"seed", seed}});
        h.sim = &sim.timers();
        sim.start();
        h.advance(2 * 3600 * 1000);
        sim.stop();
        EXPECT_TRUE(h.violations.empty());
        return json(h.state);
    };
    EXPECT_EQ(run(7), run(7));
    EXPECT_NE(run(7), run(8));
}

TEST_F(demo_test, stop_cancels_every_timer) {
    start();
    EXPECT_EQ(command("hall_lock", "unlock"), HEARTH_PENDING);  // a transition timer is pending too
    host_.advance(500);
    EXPECT_GT(sim_->timers().pending_timers(), 1U);
    sim_->stop();
    EXPECT_EQ(sim_->timers().pending_timers(), 0U) << "timers still armed after stop";
    EXPECT_FALSE(sim_->timers().next_due().has_value());
    const auto reports = host_.reports;
    const auto fired = host_.fired;
    host_.advance(3600 * 1000);
    EXPECT_EQ(host_.fired, fired);
    EXPECT_EQ(host_.reports, reports);
}

/// `d` without what the core reads as defaults ("writable": false, an int's "step": 1).
json without_defaults(json d) {
    auto strip = [](json& specs) {
        for (auto& [name, p] : specs.items()) {
            if (p.value("writable", true) == false) p.erase("writable");
            if (p.value("type", "") == "int" && p.value("step", 0.0) == 1.0) p.erase("step");
        }
    };
    strip(d["properties"]);
    for (auto& [name, c] : d["commands"].items()) strip(c["params"]);
    return d;
}

TEST_F(demo_test, descriptors_are_the_ones_the_discovery_cases_pin) {
    start();
    for (const auto& [id, type] : k_expected_ids) {
        std::ifstream in(std::string(DISCOVERY_CASES_DIR) + "/" + id + ".json");
        ASSERT_TRUE(in) << id;
        const json pinned = json::parse(in).at("descriptor");
        EXPECT_EQ(without_defaults(host_.descriptors[id]), without_defaults(pinned)) << id;
    }
}

TEST(demo_plugin, runs_on_the_toolkit_io_thread_and_settles_the_lock_in_real_time) {
    const auto* api = hearth::testing::driver_instance::load(DEMO_PLUGIN_PATH);
    ASSERT_NE(api, nullptr);
    hearth::testing::fake_host host;
    hearth::testing::driver_instance demo(host, api, "demo-rt");
    ASSERT_TRUE(demo.create_and_start({{"devices", {"lock", "plug"}}, {"tick_ms", 50}})) << demo.error();
    auto r = host.snapshot();
    EXPECT_EQ(r.ready, 1);
    EXPECT_EQ(r.descriptors.size(), 2U);
    EXPECT_EQ(r.timers_set, 0);  // the kit's asio timer drives the simulation, not host timers
    EXPECT_EQ(demo.command(9, "hall_lock", "unlock"), HEARTH_PENDING);
    ASSERT_TRUE(host.wait_for([](const auto& rec) { return rec.results.contains(9); }, std::chrono::seconds(20)));
    r = host.snapshot();
    EXPECT_EQ(r.results.at(9).status, HEARTH_OK);
    EXPECT_EQ(r.prop("hall_lock", "lock_state"), "unlocked");
    // The tick runs too: the plug's power is sampled again within seconds.
    ASSERT_TRUE(host.wait_for([](const auto& rec) { return rec.state_reports.at("kitchen_plug").size() > 1; },
                              std::chrono::seconds(30)));
    demo.stop_and_destroy();
    EXPECT_TRUE(host.snapshot().violations.empty());
}

}  // namespace
