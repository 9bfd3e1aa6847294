// The simulated household (household_sim.hpp). People keep 15 time routines (one of them unlocking
// the front door, never to be suggested) and 9 sequences, with jitter and skipped days; rules run
// their own schedule; every day brings noise (random commands, wall switches, motion, doors) and
// some days are irregular (holidays without routines, late mornings shifting them 90 minutes);
// distractors (a light switched all day, a habit kept on fewer than half of the days) must not be found.
#include "household_sim.hpp"

#include "rules/time_calc.hpp"

#include <hearth/testing/seeded_rng.hpp>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <set>
#include <stdexcept>

namespace hearth::test {
namespace {

using json = nlohmann::json;
using proactive::action_key;
using proactive::day_class;
using proactive::trigger_key;

constexpr time_ms second_ms = 1000;
constexpr time_ms minute_ms = 60 * second_ms;
constexpr int hour_s = 3600;
constexpr time_ms first_day_noon = 1'767'614'400'000;  // Monday 2026-01-05 12:00 UTC

using rng = hearth::testing::seeded_rng;

// --- descriptors ------------------------------------------------------------------------------

json boolean(bool writable) { return {{"type", "bool"}, {"writable", writable}}; }
json integer(int min, int max, bool writable) {
    return {{"type", "int"}, {"min", min}, {"max", max}, {"step", 1}, {"writable", writable}};
}
json choice(const std::vector<std::string>& values, bool writable) {
    return {{"type", "enum"}, {"values", values}, {"writable", writable}};
}
json cmd(json params = json::object()) { return {{"params", std::move(params)}}; }

json descriptor(const std::string& id, const std::string& name, const std::string& type, json props, json cmds,
                std::vector<std::string> events) {
    return {{"id", id},
            {"name", name},
            {"type", type},
            {"properties", std::move(props)},
            {"commands", std::move(cmds)},
            {"events", std::move(events)}};
}

std::string numbered(const std::string& stem, int i) { return stem + (i < 10 ? "_0" : "_") + std::to_string(i); }

std::vector<json> descriptors() {
    const std::vector<std::string> programs = {"cotton", "eco", "quick"};
    const json on_off = {{"turn_on", cmd()}, {"turn_off", cmd()}, {"toggle", cmd()}};
    std::vector<json> out;
    for (int i = 0; i < 30; ++i)
        out.push_back(descriptor(numbered("light", i), "Light " + std::to_string(i), "light",
                                 {{"on", boolean(true)}, {"brightness", integer(0, 100, true)}},
                                 {{"turn_on", cmd({{"brightness", {{"type", "int"}, {"min", 0}, {"max", 100}}}})},
                                  {"turn_off", cmd()},
                                  {"toggle", cmd()}},
                                 {}));
    for (int i = 0; i < 10; ++i)
        out.push_back(descriptor(numbered("switch", i), "Switch " + std::to_string(i), "switch",
                                 {{"on", boolean(true)}}, on_off, {}));
    for (int i = 0; i < 15; ++i)
        out.push_back(
            descriptor(numbered("plug", i), "Plug " + std::to_string(i), "plug", {{"on", boolean(true)}}, on_off, {}));
    for (int i = 0; i < 4; ++i)
        out.push_back(
            descriptor("lock_" + std::to_string(i), "Lock " + std::to_string(i), "lock",
                       {{"lock_state", choice({"locked", "unlocked", "locking", "unlocking", "jammed"}, false)},
                        {"door_state", choice({"open", "closed"}, false)},
                        {"auto_relock_s", integer(0, 3600, true)}},
                       {{"lock", cmd()}, {"unlock", cmd()}}, {"lock_operation"}));
    for (int i = 0; i < 2; ++i)
        out.push_back(
            descriptor("camera_" + std::to_string(i), "Camera " + std::to_string(i), "camera",
                       {{"motion", boolean(false)}, {"privacy_mode", boolean(true)}},
                       {{"snapshot", cmd()}, {"set_privacy", cmd({{"on", {{"type", "bool"}, {"required", true}}}})}},
                       {"motion", "doorbell"}));
    for (int i = 0; i < 15; ++i)
        out.push_back(descriptor(numbered("motion", i), "Motion " + std::to_string(i), "binary_sensor",
                                 {{"on", boolean(false)}}, json::object(), {}));
    for (int i = 0; i < 10; ++i)
        out.push_back(descriptor(numbered("contact", i), "Door contact " + std::to_string(i), "binary_sensor",
                                 {{"on", boolean(false)}}, json::object(), {}));
    for (int i = 0; i < 6; ++i)
        out.push_back(descriptor(
            "ac_" + std::to_string(i), "AC " + std::to_string(i), "climate",
            {{"on", boolean(true)},
             {"mode", choice({"cool", "heat", "auto"}, true)},
             {"target_temp", {{"type", "number"}, {"min", 16}, {"max", 30}, {"step", 0.5}, {"writable", true}}}},
            {{"turn_on", cmd()}, {"turn_off", cmd()}}, {}));
    for (int i = 0; i < 2; ++i)
        out.push_back(
            descriptor("washer_" + std::to_string(i), "Washer " + std::to_string(i), "washer",
                       {{"operational_state", choice({"stopped", "running", "paused", "error"}, false)}},
                       {{"start", cmd({{"program", {{"type", "enum"}, {"values", programs}}}})}, {"stop", cmd()}},
                       {"cycle_finished"}));
    for (int i = 0; i < 3; ++i)
        out.push_back(descriptor("button_" + std::to_string(i), "Button " + std::to_string(i), "button", json::object(),
                                 json::object(), {"press"}));
    for (int i = 0; i < 3; ++i)
        out.push_back(descriptor("sensor_" + std::to_string(i), "Sensor " + std::to_string(i), "sensor",
                                 {{"value", {{"type", "number"}, {"min", -40}, {"max", 80}, {"writable", false}}}},
                                 json::object(), {}));
    return out;
}

// --- activity ---------------------------------------------------------------------------------

/// Appends records the way hearthd logs them: a command with its source, then the state it caused.
class recorder {
public:
    explicit recorder(std::vector<activity_record>& out) : out_(out) {}
    void command(time_ms ts, const std::string& device, const std::string& name, json params,
                 const std::string& source = "mqtt") {
        out_.push_back({ts, device, activity_kind::command, name, params, source});
        if (name == "turn_on" || name == "turn_off") state(ts + second_ms, device, "on", name == "turn_on");
        if (name == "set" && params.contains("on")) state(ts + second_ms, device, "on", params["on"]);
        if (name == "unlock") state(ts + 2 * second_ms, device, "lock_state", "unlocked");
        if (name == "lock") state(ts + 2 * second_ms, device, "lock_state", "locked");
        if (name == "start") state(ts + second_ms, device, "operational_state", "running");
    }
    void state(time_ms ts, const std::string& device, const std::string& property, json value) {
        out_.push_back({ts, device, activity_kind::state, property, std::move(value), "device"});
    }
    void event(time_ms ts, const std::string& device, const std::string& type, json payload = json::object()) {
        out_.push_back({ts, device, activity_kind::event, type, std::move(payload), "device"});
    }

private:
    std::vector<activity_record>& out_;
};

/// How a planted time routine is carried out.
struct routine_plan {
    planted_time planted;
    std::function<void(recorder&, time_ms)> act;
};

/// How a planted sequence is carried out: the trigger (with what follows it on its own device),
/// then the action after 10–90 s on `follow_percent` of the occurrences.
struct sequence_plan {
    planted_sequence planted;
    int per_day_max = 3;
    int follow_percent = 85;
    std::function<void(recorder&, time_ms, rng&)> trigger;
    std::function<void(recorder&, time_ms)> act;
};

action_key set_on(const std::string& device, bool on) { return {device, "set", json{{"on", on}}}; }

std::vector<routine_plan> routine_plans() {
    auto cmd_on = [](std::string d) {
        return [d](recorder& r, time_ms t) { r.command(t, d, "turn_on", json::object()); };
    };
    auto cmd_off = [](std::string d) {
        return [d](recorder& r, time_ms t) { r.command(t, d, "turn_off", json::object()); };
    };
    auto wall = [](std::string d, bool on) { return [d, on](recorder& r, time_ms t) { r.state(t, d, "on", on); }; };
    const auto every = day_class::every_day;
    const auto wk = day_class::weekdays;
    const auto we = day_class::weekend;
    return {
        {{set_on("light_00", true), every, 18 * hour_s + 40 * 60}, cmd_on("light_00")},
        {{set_on("light_01", false), every, 23 * hour_s + 15 * 60}, cmd_off("light_01")},
        {{set_on("plug_00", true), wk, 6 * hour_s + 50 * 60}, cmd_on("plug_00")},
        {{set_on("plug_00", false), wk, 8 * hour_s + 20 * 60}, cmd_off("plug_00")},
        {{set_on("light_02", true), wk, 7 * hour_s},
         [](recorder& r, time_ms t) {
             r.command(t, "light_02", "set", {{"on", true}});
         }},
        {{set_on("ac_0", true), wk, 17 * hour_s + 30 * 60}, cmd_on("ac_0")},
        {{set_on("switch_00", true), every, 19 * hour_s + 30 * 60}, wall("switch_00", true)},
        {{set_on("light_03", true), we, 9 * hour_s + 30 * 60}, cmd_on("light_03")},
        {{set_on("plug_01", true), we, 10 * hour_s},
         [](recorder& r, time_ms t) { r.command(t, "plug_01", "turn_on", json::object(), "hearthctl"); }},
        {{{"washer_0", "start", {{"program", "eco"}}}, we, 9 * hour_s},
         [](recorder& r, time_ms t) {
             r.command(t, "washer_0", "start", {{"program", "eco"}});
             r.event(t + 95 * minute_ms, "washer_0", "cycle_finished");
             r.state(t + 95 * minute_ms, "washer_0", "operational_state", "stopped");
         }},
        {{{"light_04", "set", {{"brightness", 30}}}, every, 21 * hour_s + 45 * 60},
         [](recorder& r, time_ms t) {
             r.command(t, "light_04", "set", {{"brightness", 30}});
         }},
        {{set_on("light_05", false), every, 10 * 60}, cmd_off("light_05")},
        {{set_on("ac_1", false), wk, 7 * hour_s + 40 * 60}, cmd_off("ac_1")},
        {{set_on("switch_01", false), wk, 22 * hour_s + 30 * 60}, wall("switch_01", false)},
        // Unsafe: the front door unlocked every weekday morning; the lock relocks by itself.
        {{{"lock_0", "unlock", json::object()}, wk, 7 * hour_s + 30 * 60, false},
         [](recorder& r, time_ms t) {
             r.command(t, "lock_0", "unlock", json::object());
             r.state(t + 3 * minute_ms, "lock_0", "lock_state", "locked");
         }},
    };
}

std::vector<sequence_plan> sequence_plans() {
    auto cmd_on = [](std::string d) {
        return [d](recorder& r, time_ms t) { r.command(t, d, "turn_on", json::object()); };
    };
    auto opens = [](std::string d, int close_after_min_lo, int close_after_min_hi) {
        return [=](recorder& r, time_ms t, rng& g) {
            r.state(t, d, "on", true);
            r.state(t + g.between(close_after_min_lo * 60, close_after_min_hi * 60) * second_ms, d, "on", false);
        };
    };
    auto state_to = [](std::string d, std::string p, json v) -> trigger_key {
        return {std::move(d), activity_kind::state, std::move(p), std::move(v)};
    };
    return {
        {{state_to("lock_1", "lock_state", "unlocked"), set_on("light_06", true)},
         3,
         88,
         [](recorder& r, time_ms t, rng& g) {  // the keypad: no command
             r.state(t, "lock_1", "lock_state", "unlocked");
             r.state(t + g.between(5, 30) * minute_ms, "lock_1", "lock_state", "locked");
         },
         cmd_on("light_06")},
        {{state_to("contact_00", "on", true), set_on("light_07", true)},
         4,
         85,
         opens("contact_00", 2, 5),
         cmd_on("light_07")},
        {{state_to("motion_05", "on", true), set_on("light_08", true)},
         5,
         90,
         opens("motion_05", 3, 6),
         cmd_on("light_08")},
        {{{"button_0", activity_kind::event, "press", {{"action", "single"}}}, {"plug_02", "toggle", json::object()}},
         3,
         92,
         [](recorder& r, time_ms t, rng&) {
             r.event(t, "button_0", "press", {{"action", "single"}, {"battery", 87}});
         },
         [](recorder& r, time_ms t) { r.command(t, "plug_02", "toggle", json::object()); }},
        {{{"washer_1", activity_kind::event, "cycle_finished", nullptr}, set_on("plug_03", false)},
         1,
         85,
         [](recorder& r, time_ms t, rng& g) {
             r.command(t - g.between(60, 120) * minute_ms, "washer_1", "start", {{"program", "cotton"}}, "hearthctl");
             r.event(t, "washer_1", "cycle_finished");
             r.state(t, "washer_1", "operational_state", "stopped");
         },
         [](recorder& r, time_ms t) { r.command(t, "plug_03", "turn_off", json::object()); }},
        {{state_to("contact_01", "on", false), set_on("ac_2", false)},
         3,
         80,
         [](recorder& r, time_ms t, rng& g) {  // opened a few minutes before, closed at t
             r.state(t - g.between(2 * 60, 5 * 60) * second_ms, "contact_01", "on", true);
             r.state(t, "contact_01", "on", false);
         },
         [](recorder& r, time_ms t) { r.command(t, "ac_2", "turn_off", json::object()); }},
        {{state_to("light_10", "on", true), set_on("light_11", true)},
         3,
         85,
         [](recorder& r, time_ms t, rng& g) {
             r.command(t - second_ms, "light_10", "turn_on", json::object());
             r.command(t + g.between(30, 120) * minute_ms, "light_10", "turn_off", json::object());
         },
         cmd_on("light_11")},
        {{state_to("lock_2", "door_state", "open"), set_on("switch_02", true)},
         3,
         87,
         [](recorder& r, time_ms t, rng& g) {
             r.state(t, "lock_2", "door_state", "open");
             r.state(t + g.between(60, 180) * second_ms, "lock_2", "door_state", "closed");
         },
         [](recorder& r, time_ms t) { r.state(t, "switch_02", "on", true); }},
        {{{"camera_0", activity_kind::event, "doorbell", nullptr}, set_on("light_12", true)},
         2,
         82,
         [](recorder& r, time_ms t, rng&) { r.event(t, "camera_0", "doorbell"); },
         cmd_on("light_12")},
    };
}

/// Devices whose activity the noise must leave alone (a trigger's every occurrence is planted).
const std::set<std::string>& quiet_devices() {
    static const std::set<std::string> quiet = {"lock_0",     "lock_1",    "lock_2",   "contact_00", "contact_01",
                                                "contact_02", "motion_05", "button_0", "washer_0",   "washer_1",
                                                "camera_0",   "light_10",  "light_13", "light_14",   "plug_04"};
    return quiet;
}

void add_noise(recorder& r, rng& g, time_ms day_start) {
    auto at = [&](int from_h, int to_h) {
        return day_start + g.between(from_h * hour_s, to_h * hour_s - 1) * second_ms;
    };
    auto quiet = [](const std::string& d) { return quiet_devices().contains(d); };
    for (int i = 0; i < 30; ++i) {
        auto d = numbered("light", i);
        if (quiet(d)) continue;
        for (int n = g.between(0, 3); n > 0; --n) {
            const int pick = g.between(0, 2);
            if (pick == 0) r.command(at(6, 24), d, "turn_on", json::object());
            if (pick == 1) r.command(at(6, 24), d, "turn_off", json::object());
            if (pick == 2) r.command(at(6, 24), d, "set", {{"brightness", g.between(1, 20) * 5}});
        }
    }
    for (int i = 0; i < 10; ++i)  // wall switches
        for (int n = g.between(0, 3); n > 0; --n) r.state(at(6, 24), numbered("switch", i), "on", g.chance(50));
    for (int i = 0; i < 15; ++i) {
        auto d = numbered("plug", i);
        if (quiet(d)) continue;
        for (int n = g.between(0, 2); n > 0; --n)
            r.command(at(6, 24), d, g.chance(50) ? "turn_on" : "turn_off", json::object(),
                      g.chance(80) ? "mqtt" : "hearthctl");
    }
    for (int i = 0; i < 15; ++i) {  // motion all day, more by day
        auto d = numbered("motion", i);
        if (quiet(d)) continue;
        for (int n = g.between(10, 40); n > 0; --n) {
            auto t = g.chance(80) ? at(7, 23) : at(0, 24);
            r.state(t, d, "on", true);
            r.state(t + g.between(60, 300) * second_ms, d, "on", false);
        }
    }
    for (int i = 2; i < 10; ++i) {
        auto d = numbered("contact", i);
        if (quiet(d)) continue;
        for (int n = g.between(2, 8); n > 0; --n) {
            auto t = at(6, 23);
            r.state(t, d, "on", true);
            r.state(t + g.between(10, 600) * second_ms, d, "on", false);
        }
    }
    for (int i = 3; i < 6; ++i) {
        auto d = "ac_" + std::to_string(i);
        for (int n = g.between(0, 2); n > 0; --n) {
            if (g.chance(50))
                r.command(at(8, 23), d, "set", {{"target_temp", 20 + g.between(0, 10) * 0.5}});
            else
                r.command(at(8, 23), d, "set", {{"mode", g.chance(50) ? "cool" : "auto"}});
        }
    }
    for (int n = g.between(0, 2); n > 0; --n) {  // the back door: unlocked and locked by hand
        auto t = at(7, 22);
        r.command(t, "lock_3", "unlock", json::object());
        r.command(t + g.between(2, 30) * minute_ms, "lock_3", "lock", json::object());
    }
    for (int n = g.between(5, 20); n > 0; --n) r.event(at(0, 24), "camera_1", "motion", {{"zone", "garden"}});
    for (int b = 1; b < 3; ++b)
        for (int n = g.between(0, 3); n > 0; --n)
            r.event(at(7, 23), "button_" + std::to_string(b), "press",
                    {{"action", g.chance(50) ? "single" : "double"}});
    for (int n = g.between(0, 3); n > 0; --n) r.command(at(8, 22), "camera_1", "snapshot", json::object());
    // Distractors: a light used all day long, and a habit kept on fewer than half of the days.
    for (int n = g.between(20, 40); n > 0; --n)
        r.command(at(6, 24), "light_29", g.chance(50) ? "turn_on" : "turn_off", json::object());
    if (g.chance(45))
        r.command(day_start + g.between(11 * hour_s + 50 * 60, 12 * hour_s + 10 * 60) * second_ms, "plug_05", "turn_on",
                  json::object());
}

/// What rules do: their commands carry source "rule" and must never be mined.
void add_rules(recorder& r, rng& g, time_ms day_start) {
    r.command(day_start + 18 * hour_s * second_ms, "light_13", "turn_on", json::object(), "rule");
    r.command(day_start + (23 * hour_s + 30 * 60) * second_ms, "light_13", "turn_off", json::object(), "rule");
    r.command(day_start + hour_s * second_ms, "plug_04", "turn_off", json::object(), "rule");
    for (int n = g.between(2, 4); n > 0; --n) {
        auto t = day_start + g.between(7 * hour_s, 22 * hour_s) * second_ms;
        r.state(t, "contact_02", "on", true);
        r.command(t + 2 * second_ms, "light_14", "turn_on", json::object(), "rule");
        r.state(t + g.between(60, 300) * second_ms, "contact_02", "on", false);
        r.command(t + 10 * minute_ms, "light_14", "turn_off", json::object(), "rule");
    }
}

bool in_class(day_class days, bool weekend) {
    return days == day_class::every_day || (days == day_class::weekend) == weekend;
}

int circular_distance(int a, int b) {
    const int d = std::abs(a - b) % 86'400;
    return std::min(d, 86'400 - d);
}

}  // namespace

household_sim simulate_household(std::uint64_t seed, int days) {
    household_sim sim;
    for (const auto& j : descriptors()) {
        auto parsed = parse_descriptor(j);
        if (!parsed)
            throw std::runtime_error("bad simulated descriptor " + j["id"].get<std::string>() + ": " +
                                     parsed.error().front().reason);
        sim.devices.emplace(parsed->id, *parsed);
    }
    rng g(seed);
    recorder r(sim.records);
    const auto first_date = rules::local_date_of(first_day_noon);
    auto day_start = [&](int d) { return rules::local_time_on(rules::add_days(first_date, d), 0); };
    sim.from = day_start(0);
    sim.to = day_start(days);

    // Irregular days: three weekday holidays without routines, two late mornings (+90 min).
    std::set<int> holidays, late;
    for (int attempt = 0; attempt < 100 && holidays.size() < 3 && days >= 14; ++attempt) {
        int d = g.between(0, days - 1);
        if (rules::local_weekday(day_start(d)) % 6 != 0) holidays.insert(d);
    }
    for (int attempt = 0; attempt < 100 && late.size() < 2 && days >= 14; ++attempt)
        late.insert(g.between(0, days - 1));

    auto routines = routine_plans();
    std::vector<int> jitter_s, skip_percent;
    for (auto& plan : routines) {
        sim.routines.push_back(plan.planted);
        jitter_s.push_back(g.between(10, 20) * 60);
        skip_percent.push_back(g.between(5, 12));
    }
    auto sequences = sequence_plans();
    for (auto& plan : sequences) sim.sequences.push_back(plan.planted);
    sim.rule_devices = {"light_13", "light_14", "plug_04"};

    for (int d = 0; d < days; ++d) {
        const time_ms start = day_start(d);
        const bool weekend = rules::local_weekday(start) % 6 == 0;
        for (std::size_t i = 0; i < routines.size(); ++i) {
            const auto& plan = routines[i];
            if (holidays.contains(d) || !in_class(plan.planted.days, weekend) || g.chance(skip_percent[i])) continue;
            int at = plan.planted.at_s + g.between(-jitter_s[i], jitter_s[i]) + (late.contains(d) ? 90 * 60 : 0);
            plan.act(r, start + static_cast<time_ms>(at) * second_ms);
        }
        for (const auto& plan : sequences) {
            for (int n = g.between(1, plan.per_day_max); n > 0; --n) {
                const time_ms t = start + g.between(7 * hour_s, 22 * hour_s) * second_ms;
                plan.trigger(r, t, g);
                if (g.chance(plan.follow_percent)) plan.act(r, t + g.between(10, 90) * second_ms);
            }
        }
        add_noise(r, g, start);
        add_rules(r, g, start);
    }
    std::stable_sort(sim.records.begin(), sim.records.end(),
                     [](const activity_record& a, const activity_record& b) { return a.ts < b.ts; });
    auto end = std::remove_if(sim.records.begin(), sim.records.end(),
                              [&](const activity_record& a) { return a.ts < sim.from || a.ts >= sim.to; });
    sim.records.erase(end, sim.records.end());
    return sim;
}

proactive::mined_routines mine(const household_sim& sim, const proactive::miner_options& options) {
    proactive::routine_miner miner(options);
    for (const auto& r : sim.records) miner.add(r);
    return miner.finish(sim.devices, sim.from, sim.to);
}

household_score score(const household_sim& sim, const proactive::mined_routines& found) {
    household_score out;
    auto same_action = [](const action_key& a, const action_key& b) {
        return a.device == b.device && a.command == b.command && a.params == b.params;
    };
    auto time_match = [&](const planted_time& p, const proactive::time_routine& m) {
        return same_action(p.action, m.action) && p.days == m.days && circular_distance(p.at_s, m.at_s) <= 20 * 60;
    };
    auto sequence_match = [&](const planted_sequence& p, const proactive::sequence_routine& m) {
        return p.trigger.device == m.trigger.device && p.trigger.kind == m.trigger.kind &&
               p.trigger.name == m.trigger.name && p.trigger.value == m.trigger.value &&
               same_action(p.action, m.action);
    };
    out.time.planted = static_cast<int>(sim.routines.size());
    out.time.mined = static_cast<int>(found.time.size());
    for (const auto& p : sim.routines)
        out.time.planted_found +=
            std::any_of(found.time.begin(), found.time.end(), [&](const auto& m) { return time_match(p, m); }) ? 1 : 0;
    for (const auto& m : found.time)
        out.time.mined_matching +=
            std::any_of(sim.routines.begin(), sim.routines.end(), [&](const auto& p) { return time_match(p, m); }) ? 1
                                                                                                                   : 0;
    out.sequences.planted = static_cast<int>(sim.sequences.size());
    out.sequences.mined = static_cast<int>(found.sequences.size());
    for (const auto& p : sim.sequences)
        out.sequences.planted_found += std::any_of(found.sequences.begin(), found.sequences.end(),
                                                   [&](const auto& m) { return sequence_match(p, m); })
                                           ? 1
                                           : 0;
    for (const auto& m : found.sequences)
        out.sequences.mined_matching +=
            std::any_of(sim.sequences.begin(), sim.sequences.end(), [&](const auto& p) { return sequence_match(p, m); })
                ? 1
                : 0;
    return out;
}

}  // namespace hearth::test
