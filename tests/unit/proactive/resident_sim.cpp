// The simulated resident (resident_sim.hpp): a day plan per local date drawn from a seeded
// generator (own uniform/exponential draws so results do not depend on the standard library),
// rendered into activity-log records.
#include "resident_sim.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace hearth::test {

namespace {

constexpr int k_min = 60;
constexpr int k_hour = 3600;

class rng {
public:
    explicit rng(std::uint64_t seed) : gen_(seed) {}
    double unit() { return static_cast<double>(gen_() >> 11) * (1.0 / 9007199254740992.0); }
    double uniform(double a, double b) { return a + (b - a) * unit(); }
    bool chance(double p) { return unit() < p; }
    double exponential(double mean) { return -mean * std::log(1.0 - unit()); }
    int pick(int n) { return static_cast<int>(unit() * n) % n; }

private:
    std::mt19937_64 gen_;
};

/// A span of the day when the resident is away or asleep in the chair (no human records).
struct quiet_span {
    int from_s, to_s;
    bool away;
};

class day_writer {
public:
    day_writer(std::vector<sim_record>& out, rules::local_date date) : out_(out), date_(date) {}
    time_ms at(double s) const { return rules::local_time_on(date_, 0) + static_cast<time_ms>(s * 1000.0); }

    void human_state(double s, const std::string& device, const std::string& prop, nlohmann::json value) {
        const time_ms ts = at(s);
        out_.push_back({{ts, device, activity_kind::state, prop, std::move(value), "device"}, true, ts});
    }
    void motion(double s, const std::string& room) {
        const std::string device = "motion_" + room;
        human_state(s, device, "on", true);
        const time_ms ts = at(s);
        out_.push_back({{at(s + 90), device, activity_kind::state, "on", false, "device"}, true, ts});
    }
    void human_command(double s, const std::string& device, const std::string& name) {
        const time_ms ts = at(s);
        out_.push_back({{ts, device, activity_kind::command, name, nlohmann::json::object(), "mqtt"}, true, ts});
    }
    void automation(double s, const std::string& device, const std::string& command, const std::string& source,
                    const std::string& prop, nlohmann::json value) {
        const time_ms ts = at(s);
        out_.push_back({{ts, device, activity_kind::command, command, nlohmann::json::object(), source}, false, ts});
        out_.push_back({{ts + 1500, device, activity_kind::state, prop, std::move(value), "device"}, false, ts});
    }
    void reading(double s, const std::string& device, activity_kind kind, const std::string& name,
                 nlohmann::json value) {
        const time_ms ts = at(s);
        out_.push_back({{ts, device, kind, name, std::move(value), "device"}, false, ts});
    }
    void leave(double s) {
        motion(s, "hall");
        human_state(s + 40, "front_door", "on", true);
        human_state(s + 55, "front_door", "on", false);
        human_state(s + 70, "front_lock", "lock_state", "locked");
    }
    void come_back(double s) {
        human_state(s, "front_lock", "lock_state", "unlocked");
        human_state(s + 10, "front_door", "on", true);
        human_state(s + 25, "front_door", "on", false);
        motion(s + 30, "hall");
        // The lock's auto-relock: an internal command and the lock's echo, not the resident.
        automation(s + 600, "front_lock", "lock", "internal", "lock_state", "locked");
    }
    void bathroom_trip(double s) {
        motion(s, "bedroom");
        motion(s + 30, "hall");
        human_state(s + 45, "light_bath", "on", true);
        motion(s + 60, "bath");
        motion(s + 240, "bath");
        human_state(s + 330, "light_bath", "on", false);
        motion(s + 350, "hall");
    }

private:
    std::vector<sim_record>& out_;
    rules::local_date date_;
};

const char* const k_rooms[] = {"kitchen", "living", "hall", "bath", "bedroom", "kitchen", "living"};

void simulate_day(rng& r, day_writer& w, int weekday, double previous_bed_s) {
    const bool weekend = weekday == 0 || weekday == 6;
    const double wake = r.uniform(6.5 * k_hour, 8.0 * k_hour) + (weekend ? r.uniform(0, 30 * k_min) : 0);
    // The night since yesterday's bedtime (negative seconds are yesterday evening).
    const double r_trips = r.unit();
    const int trips = r_trips < 0.55 ? 1 : r_trips < 0.7 ? 2 : 0;
    for (int i = 0; i < trips; ++i) {
        const double lo = std::max(0.0, previous_bed_s + k_hour);
        const double hi = wake - 45 * k_min;
        if (hi > lo) w.bathroom_trip(r.uniform(lo, hi));
    }
    // Plans for the day.
    std::vector<quiet_span> quiet;
    if (!weekend && r.chance(0.3)) {
        const double out = r.uniform(9.0 * k_hour, 10.5 * k_hour);
        quiet.push_back({static_cast<int>(out), static_cast<int>(out + r.uniform(60 * k_min, 150 * k_min)), true});
    }
    if (weekday == 2) {  // the Tuesday club
        const double out = 14 * k_hour + r.uniform(-15 * k_min, 15 * k_min);
        quiet.push_back(
            {static_cast<int>(out), static_cast<int>(17 * k_hour + r.uniform(-20 * k_min, 20 * k_min)), true});
    } else if (r.chance(0.6)) {  // a nap in the armchair
        const double nap = r.uniform(13.0 * k_hour, 14.5 * k_hour);
        quiet.push_back({static_cast<int>(nap), static_cast<int>(nap + r.uniform(30 * k_min, 110 * k_min)), false});
    }
    if (r.chance(0.5)) {  // a long sit with a book
        const double read = r.uniform(10.0 * k_hour, 17.0 * k_hour);
        quiet.push_back({static_cast<int>(read), static_cast<int>(read + r.uniform(40 * k_min, 90 * k_min)), false});
    }
    double bed = r.uniform(21.5 * k_hour, 23.0 * k_hour);
    std::vector<quiet_span> outings;
    if (weekday != 2 && r.chance(0.1)) {  // an evening out
        const double out = r.uniform(18.0 * k_hour, 19.0 * k_hour);
        const double back = r.uniform(21.0 * k_hour, 22.5 * k_hour);
        quiet.push_back({static_cast<int>(out), static_cast<int>(back), true});
        bed = std::max(bed, back + 20 * k_min);
    }
    std::sort(quiet.begin(), quiet.end(), [](const quiet_span& a, const quiet_span& b) { return a.from_s < b.from_s; });
    // One thing at a time: a plan that overlaps the one before is dropped.
    std::vector<quiet_span> plans;
    for (const auto& span : quiet) {
        if (plans.empty() || span.from_s >= plans.back().to_s + 10 * k_min) plans.push_back(span);
    }

    // Waking up.
    w.motion(wake, "bedroom");
    w.human_state(wake + 20, "light_bedroom", "on", true);
    w.motion(wake + 60, "hall");
    w.motion(wake + 120, "bath");
    w.human_state(wake + 600, "light_bedroom", "on", false);
    w.human_state(wake + 20 * k_min, "kettle", "on", true);
    w.human_state(wake + 24 * k_min, "kettle", "on", false);
    // The day: bursts while up, sparse during the TV evening, nothing while out or napping.
    double t = wake + 25 * k_min;
    std::size_t next_span = 0;
    bool tv_on = false;
    while (t < bed) {
        while (next_span < plans.size() && plans[next_span].to_s <= t) ++next_span;
        if (next_span < plans.size() && plans[next_span].from_s <= t) {
            const quiet_span span = plans[next_span];
            if (span.away) w.leave(span.from_s);
            t = span.to_s;
            if (span.away) w.come_back(t);
            w.motion(t + 60, k_rooms[r.pick(7)]);
            continue;
        }
        const bool evening = t >= 19.5 * k_hour;
        if (evening && !tv_on) {
            w.human_state(t, "tv_plug", "on", true);
            w.human_state(t + 30, "light_living", "on", true);
            tv_on = true;
        }
        w.motion(t, evening ? "living" : k_rooms[r.pick(7)]);
        if (!evening && r.chance(0.08)) {
            w.human_state(t + 30, "kettle", "on", true);
            w.human_state(t + 200, "kettle", "on", false);
        }
        if (!evening && r.chance(0.03)) w.human_command(t + 40, "light_kitchen", "toggle");
        t += std::min(evening ? r.exponential(22 * k_min) : r.exponential(7 * k_min), 100.0 * k_min);
    }
    // Bedtime.
    if (tv_on) w.human_state(bed, "tv_plug", "on", false);
    w.human_state(bed + 10, "light_living", "on", false);
    w.motion(bed + 30, "hall");
    w.motion(bed + 90, "bath");
    w.human_state(bed + 15 * k_min, "light_bedroom", "on", true);
    w.motion(bed + 15 * k_min + 20, "bedroom");
    w.human_state(bed + 25 * k_min, "light_bedroom", "on", false);
    // What the home does by itself: the porch light by a rule, readings, the washer finishing.
    w.automation(18 * k_hour, "porch_light", "turn_on", "rule", "on", true);
    w.automation(23.5 * k_hour, "porch_light", "turn_off", "rule", "on", false);
    w.reading(r.uniform(0, 24 * k_hour), "thermo_living", activity_kind::state, "battery_low", false);
    w.reading(r.uniform(0, 24 * k_hour), "fridge", activity_kind::event, "temperature_alarm", nlohmann::json::object());
    w.reading(r.uniform(0, 24 * k_hour), "washer", activity_kind::state, "operational_state", "done");
    w.reading(r.uniform(0, 24 * k_hour), "motion_hall", activity_kind::state, "battery", 87);
}

}  // namespace

std::vector<sim_record> simulate_resident(std::uint64_t seed, rules::local_date first_day, int days) {
    rng r(seed);
    std::vector<sim_record> out;
    double previous_bed_s = -1.5 * k_hour;
    for (int d = 0; d < days; ++d) {
        const rules::local_date date = rules::add_days(first_day, d);
        day_writer w(out, date);
        const std::size_t before = out.size();
        simulate_day(r, w, rules::local_weekday(rules::local_time_on(date, 12 * k_hour)), previous_bed_s);
        // Tonight's bedtime, as seconds relative to tomorrow's midnight (negative).
        time_ms bed_ts = 0;
        for (std::size_t i = before; i < out.size(); ++i) {
            if (out[i].human && out[i].record.device_id == "light_bedroom") bed_ts = std::max(bed_ts, out[i].record.ts);
        }
        previous_bed_s = static_cast<double>(bed_ts - rules::local_time_on(rules::add_days(date, 1), 0)) / 1000.0;
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const sim_record& a, const sim_record& b) { return a.record.ts < b.record.ts; });
    return out;
}

void plant_inactivity(std::vector<sim_record>& records, time_ms stop, time_ms resume) {
    std::erase_if(records, [&](const sim_record& r) { return r.human && r.cause_ts >= stop && r.cause_ts < resume; });
    sim_record back{{resume, "motion_hall", activity_kind::state, "on", true, "device"}, true, resume};
    const auto pos = std::upper_bound(records.begin(), records.end(), resume,
                                      [](time_ms ts, const sim_record& r) { return ts < r.record.ts; });
    records.insert(pos, std::move(back));
}

}  // namespace hearth::test
