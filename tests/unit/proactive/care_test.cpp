// The care monitor (src/proactive/care_model.hpp) on a simulated resident (resident_sim.hpp):
// false alerts on normal days with daily relearning, planted inactivity episodes, quiet hours and
// the floor, too little history, garbage records, and a DST change in Europe/Berlin.
#include "proactive/care_model.hpp"
#include "proactive/local_week.hpp"
#include "resident_sim.hpp"
#include "rules/time_calc.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <limits>

namespace hearth::proactive {
namespace {

using test::sim_record;

void set_zone(const char* zone) {
    setenv("TZ", zone, 1);
    tzset();
}

class zone_guard {
public:
    explicit zone_guard(const char* zone) { set_zone(zone); }
    ~zone_guard() { set_zone("UTC"); }
    zone_guard(const zone_guard&) = delete;
    zone_guard& operator=(const zone_guard&) = delete;
};

care_settings enabled_settings() {
    care_settings s;
    s.enabled = true;
    return s;
}

/// The model hearthd would learn at `now` from the trailing learn_days of `records`.
care_model learn(const care_settings& settings, const std::vector<sim_record>& records, time_ms now) {
    const time_ms from = now - static_cast<time_ms>(settings.learn_days) * ms_per_day;
    care_learner learner(settings, from, now);
    auto it = std::lower_bound(records.begin(), records.end(), from,
                               [](const sim_record& r, time_ms ts) { return r.record.ts < ts; });
    for (; it != records.end() && it->record.ts < now; ++it) learner.add(it->record);
    return learner.finish();
}

struct run_result {
    std::vector<care_transition> transitions;
    std::vector<std::size_t> model_of;  ///< per transition: the index in `models` of the model in force
    std::vector<care_model> models;     ///< the model of each day, in order
};

/// Runs the monitor as hearthd would over the local days [first, first + days): relearn at each
/// local midnight from the trailing history, feed the day's records, tick at next_check().
run_result run_days(const care_settings& settings, const std::vector<sim_record>& records, rules::local_date first,
                    int days) {
    run_result out;
    const time_ms start = rules::local_time_on(first, 0);
    care_monitor monitor(settings, learn(settings, records, start));
    auto it = std::lower_bound(records.begin(), records.end(), start,
                               [](const sim_record& r, time_ms ts) { return r.record.ts < ts; });
    // The newest activity before the start, as hearthd feeds it from the store at start.
    for (auto back = records.begin(); back != it; ++back) monitor.on_activity(back->record);
    time_ms now = start;
    const auto tick_until = [&](time_ms until) {
        for (int guard = 0; guard < 100'000; ++guard) {
            const time_ms due = std::max(now, monitor.next_check(now));
            if (due > until) return;
            now = due;
            if (auto t = monitor.tick(now)) {
                out.transitions.push_back(std::move(*t));
                out.model_of.push_back(out.models.empty() ? 0 : out.models.size() - 1);
            } else {
                ASSERT_GT(monitor.next_check(now), now) << "next_check must move on after a quiet tick";
            }
        }
        FAIL() << "tick loop did not end";
    };
    for (int d = 0; d < days; ++d) {
        const time_ms day_start = rules::local_time_on(rules::add_days(first, d), 0);
        const time_ms day_end = rules::local_time_on(rules::add_days(first, d + 1), 0);
        tick_until(day_start);
        out.models.push_back(learn(settings, records, day_start));
        monitor.set_model(out.models.back());
        for (; it != records.end() && it->record.ts < day_end; ++it) {
            tick_until(it->record.ts);
            now = std::max(now, it->record.ts);
            monitor.on_activity(it->record);
            if (auto t = monitor.tick(now)) {
                out.transitions.push_back(std::move(*t));
                out.model_of.push_back(out.models.size() - 1);
            }
        }
        tick_until(day_end - 1);
    }
    return out;
}

std::size_t count_alerts(const run_result& r) {
    return static_cast<std::size_t>(std::count_if(r.transitions.begin(), r.transitions.end(), [](const auto& t) {
        return t.what == care_transition::kind::alert;
    }));
}

constexpr int k_learn_days = 28;
constexpr int k_test_days = 60;
const rules::local_date k_first_day{2026, 1, 5};  // a Monday

// (1) 60 normal days after 28 days of history, relearning daily: at most one false alert per seed.
TEST(care, normal_days_raise_at_most_one_false_alert_per_seed) {
    zone_guard zone("UTC");
    const care_settings settings = enabled_settings();
    std::size_t total = 0;
    for (const std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
        const auto records = test::simulate_resident(seed, k_first_day, k_learn_days + k_test_days);
        const auto run = run_days(settings, records, rules::add_days(k_first_day, k_learn_days), k_test_days);
        const std::size_t alerts = count_alerts(run);
        std::printf("[care] seed %llu: %zu false alert(s) in %d normal days (%zu records)\n",
                    static_cast<unsigned long long>(seed), alerts, k_test_days, records.size());
        for (const auto& t : run.transitions) std::printf("[care]   %s\n", t.event.dump().c_str());
        EXPECT_LE(alerts, 1u) << "seed " << seed;
        EXPECT_GE(run.models.front().days_learned, k_learn_days - 1);
        total += alerts;
    }
    std::printf("[care] total: %zu false alert(s) in %d days\n", total, 5 * k_test_days);
}

/// The last activity before `resume` (a motion sensor's clear may follow the stop by 90 s).
time_ms last_activity_before(const std::vector<sim_record>& records, time_ms resume) {
    care_activity_filter filter(enabled_settings());
    time_ms last = 0;
    for (const auto& r : records) {
        if (r.record.ts >= resume) break;
        if (filter.accept(r.record)) last = r.record.ts;
    }
    return last;
}

struct episode_result {
    time_ms last_activity = 0;
    time_ms alert_ts = 0;
    int threshold_s = 0;
    bool ok_seen = false;
};

/// Plants "the resident stops at `stop_s` local on test day `day`, back `resume_h` hours later" and
/// checks the one alert of that day: since = the true last activity, fired within 60 min after
/// since + the threshold of its hour, care_ok at the resumption.
episode_result planted_episode(std::uint64_t seed, int day, int stop_s, int resume_h, const care_settings& settings,
                               bool check_delay = true) {
    auto records = test::simulate_resident(seed, k_first_day, k_learn_days + day + 2);
    const rules::local_date stop_day = rules::add_days(k_first_day, k_learn_days + day);
    const time_ms stop = rules::local_time_on(stop_day, stop_s);
    const time_ms resume = stop + static_cast<time_ms>(resume_h) * ms_per_hour;
    test::plant_inactivity(records, stop, resume);
    episode_result out;
    out.last_activity = last_activity_before(records, resume);
    EXPECT_LT(out.last_activity, stop + 2 * 60'000);  // a motion sensor clears 90 s after the last motion
    const auto run = run_days(settings, records, stop_day, 2);
    std::optional<care_transition> alert;
    const care_model* model = nullptr;
    for (std::size_t i = 0; i < run.transitions.size(); ++i) {
        const auto& t = run.transitions[i];
        if (t.what == care_transition::kind::alert && !alert) {
            alert = t;
            model = &run.models.at(run.model_of.at(i));
        } else if (t.what == care_transition::kind::ok && alert) {
            out.ok_seen = true;
            EXPECT_EQ(t.event.value("ts", time_ms{0}), resume);
            EXPECT_EQ(t.event.value("since", time_ms{0}), out.last_activity);
            break;
        }
    }
    EXPECT_TRUE(alert) << "seed " << seed << ": no alert for a stop at " << stop_s / 3600 << ":00";
    if (!alert) return out;
    out.alert_ts = alert->event.value("ts", time_ms{0});
    const int how = alert->event.value("hour_of_week", -1);
    EXPECT_EQ(how, hour_of_week(out.alert_ts));
    out.threshold_s = std::max(settings.min_gap_min * 60, model->threshold_s.at(static_cast<std::size_t>(how)));
    EXPECT_EQ(alert->event.value("threshold_min", 0), (out.threshold_s + 30) / 60);
    EXPECT_EQ(alert->event.value("since", time_ms{0}), out.last_activity);
    EXPECT_EQ(alert->event["type"], "care_alert");
    EXPECT_TRUE(alert->event["rests_on"].contains("why"));
    EXPECT_GT(alert->event["rests_on"].value("days_learned", 0), 0);
    const time_ms delay = out.alert_ts - (out.last_activity + static_cast<time_ms>(out.threshold_s) * 1000);
    EXPECT_GE(delay, 0) << "alert before the threshold";
    if (check_delay) {
        EXPECT_LE(delay, 60 * 60'000) << "alert more than 60 min after the threshold";
    }
    EXPECT_LT(out.alert_ts, resume);
    EXPECT_TRUE(out.ok_seen) << "no care_ok after the resumption";
    std::printf(
        "[care] seed %llu stop %02d:00: last activity %+.0f min, threshold %d min, alert after %.0f min "
        "(%.0f min after the threshold)\n",
        static_cast<unsigned long long>(seed), stop_s / 3600, (out.last_activity - stop) / 60'000.0,
        out.threshold_s / 60, (out.alert_ts - out.last_activity) / 60'000.0, delay / 60'000.0);
    return out;
}

// (2) Planted episodes at 10:00, 15:00 and 20:00 over several seeds.
TEST(care, planted_inactivity_alerts_within_60_min_of_the_threshold_and_ok_follows) {
    zone_guard zone("UTC");
    const care_settings settings = enabled_settings();
    for (const std::uint64_t seed : {11u, 12u, 13u}) {
        for (const int stop_h : {10, 15, 20}) {
            const auto r = planted_episode(seed, 3 + static_cast<int>(seed % 5), stop_h * 3600, 14, settings);
            if (stop_h != 20) {  // daytime: the learned threshold is a few hours, not the night's
                EXPECT_LE(r.alert_ts - r.last_activity, 6 * ms_per_hour) << "seed " << seed << " stop " << stop_h;
            }
        }
    }
}

// (3) Quiet hours: a stop at 20:00 whose threshold falls in the night alerts at the end of the quiet
// hours, never inside; a high floor holds back an alert the learned model would raise.
TEST(care, quiet_hours_and_the_floor_are_honoured) {
    zone_guard zone("UTC");
    care_settings quiet = enabled_settings();
    quiet.quiet_hours = std::make_pair(21 * 3600, 9 * 3600);
    const auto q = planted_episode(21, 4, 20 * 3600, 16, quiet, false);
    EXPECT_EQ(rules::local_seconds_of_day(q.alert_ts), 9 * 3600) << "the alert waits for the quiet hours' end";

    care_settings high_floor = enabled_settings();
    high_floor.min_gap_min = 7 * 60;
    const auto f = planted_episode(21, 4, 10 * 3600, 14, high_floor);
    EXPECT_GE(f.alert_ts - f.last_activity, 7 * ms_per_hour);
    EXPECT_EQ(f.threshold_s, 7 * 3600);
}

// (4) Less than min_learn_days of history: the floor alone, and the status says so.
TEST(care, too_little_history_means_the_floor_alone) {
    zone_guard zone("UTC");
    const care_settings settings = enabled_settings();
    const auto records = test::simulate_resident(31, k_first_day, 6);
    const time_ms now = rules::local_time_on(rules::add_days(k_first_day, 5), 0);
    const care_model model = learn(settings, records, now);
    EXPECT_LT(model.days_learned, settings.min_learn_days);
    EXPECT_TRUE(model.floor_only());
    for (const int t : model.threshold_s) EXPECT_EQ(t, 180 * 60);
    care_monitor monitor(settings, model);
    monitor.on_activity({now, "motion_hall", activity_kind::state, "on", true, "device"});
    EXPECT_FALSE(monitor.tick(now + 179 * 60'000));
    const auto alert = monitor.tick(now + 180 * 60'000);
    ASSERT_TRUE(alert);
    EXPECT_EQ(alert->event["rests_on"]["basis"], "floor");
    const auto status = monitor.status(now + 181 * 60'000);
    EXPECT_EQ(status["model"]["basis"], "floor");
    EXPECT_NE(status["rests_on"]["why"].get<std::string>().find("floor alone"), std::string::npos);
    EXPECT_TRUE(status["alerting"].get<bool>());
    EXPECT_FALSE(monitor.tick(now + 300 * 60'000)) << "one alert per episode";
    monitor.on_activity({now + 301 * 60'000, "front_door", activity_kind::state, "on", true, "device"});
    EXPECT_EQ(monitor.next_check(now + 301 * 60'000), now + 301 * 60'000);
    const auto ok = monitor.tick(now + 301 * 60'000);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->what, care_transition::kind::ok);
    EXPECT_EQ(ok->event["last_activity"]["device"], "front_door");
    EXPECT_EQ(ok->event["inactive_min"], 301);
}

// What counts: automation echoes, readings and machine states do not; people do.
TEST(care, what_counts_as_activity) {
    const care_settings s = enabled_settings();
    EXPECT_TRUE(counts_as_activity({1, "m", activity_kind::state, "motion", true, "device"}, s));
    EXPECT_FALSE(counts_as_activity({1, "m", activity_kind::state, "motion", false, "device"}, s));
    EXPECT_TRUE(counts_as_activity({1, "d", activity_kind::state, "on", false, "device"}, s));
    EXPECT_TRUE(counts_as_activity({1, "l", activity_kind::state, "lock_state", "unlocked", "device"}, s));
    EXPECT_FALSE(counts_as_activity({1, "l", activity_kind::state, "lock_state", "jammed", "device"}, s));
    EXPECT_TRUE(counts_as_activity({1, "w", activity_kind::state, "operational_state", "running", "device"}, s));
    EXPECT_FALSE(counts_as_activity({1, "w", activity_kind::state, "operational_state", "done", "device"}, s));
    EXPECT_FALSE(counts_as_activity({1, "t", activity_kind::state, "battery_low", true, "device"}, s));
    EXPECT_TRUE(counts_as_activity({1, "b", activity_kind::event, "single_push", {}, "device"}, s));
    EXPECT_FALSE(counts_as_activity({1, "f", activity_kind::event, "temperature_alarm", {}, "device"}, s));
    EXPECT_TRUE(counts_as_activity({1, "x", activity_kind::command, "turn_on", {}, "mqtt"}, s));
    EXPECT_TRUE(counts_as_activity({1, "x", activity_kind::command, "turn_on", {}, "hearthctl"}, s));
    EXPECT_FALSE(counts_as_activity({1, "x", activity_kind::command, "turn_on", {}, "rule"}, s));
    EXPECT_FALSE(counts_as_activity({1, "x", activity_kind::command, "turn_on", {}, "internal"}, s));
    care_settings only = s;
    only.devices = {"m"};
    EXPECT_TRUE(counts_as_activity({1, "m", activity_kind::state, "motion", true, "device"}, only));
    EXPECT_FALSE(counts_as_activity({1, "d", activity_kind::state, "on", true, "device"}, only));

    care_activity_filter filter(s);
    EXPECT_FALSE(filter.accept({1000, "porch", activity_kind::command, "turn_on", {}, "rule"}));
    EXPECT_FALSE(filter.accept({2000, "porch", activity_kind::state, "on", true, "device"})) << "an echo";
    EXPECT_TRUE(filter.accept({2000, "hall", activity_kind::state, "on", true, "device"}));
    EXPECT_TRUE(filter.accept(
        {1000 + care_activity_filter::k_echo_window_ms + 1, "porch", activity_kind::state, "on", false, "device"}))
        << "by hand, later";
}

// (5) Garbage never crashes and never counts.
TEST(care, garbage_records_and_unknown_devices_never_crash) {
    zone_guard zone("UTC");
    const care_settings settings = enabled_settings();
    const time_ms now = rules::local_time_on(k_first_day, 0);
    const std::string huge(100'000, 'x');
    const std::vector<activity_record> garbage = {
        {now, "", activity_kind::state, "on", true, "device"},
        {now, huge, activity_kind::state, "on", nullptr, "device"},
        {now, "a", activity_kind::state, huge, nlohmann::json::array({1, 2}), huge},
        {now, "a", activity_kind::state, "lock_state", 42, "device"},
        {now, "a", activity_kind::state, "motion", "yes", "device"},
        {now, "a", activity_kind::command, "set", nullptr, "unknown"},
        {-5, "a", activity_kind::state, "on", true, "device"},
        {std::numeric_limits<time_ms>::max(), "a", activity_kind::state, "on", true, "device"},
        {std::numeric_limits<time_ms>::min(), "a", activity_kind::command, "x", {}, "rule"},
        {now, "a", static_cast<activity_kind>(3), "on", true, "device"},
    };
    for (const auto& [from, to] : std::vector<std::pair<time_ms, time_ms>>{
             {now - 28 * ms_per_day, now},
             {now, now - 1},
             {std::numeric_limits<time_ms>::min(), std::numeric_limits<time_ms>::max()},
             {0, 1}}) {
        care_settings odd = settings;
        odd.learn_days = from == 0 ? 100'000 : -3;
        odd.min_gap_min = -10;
        care_learner learner(odd, from, to);
        for (const auto& g : garbage) learner.add(g);
        const care_model model = learner.finish();
        EXPECT_EQ(model.activities, 0u);
        (void)model.explain(-1);
        (void)model.explain(10'000);
    }
    care_settings odd = settings;
    odd.quiet_hours = std::make_pair(-100, 3600);  // clamped: 00:00-01:00
    care_monitor monitor(odd, care_model{});
    for (const auto& g : garbage) monitor.on_activity(g);
    EXPECT_TRUE(monitor.status(now)["last_activity"].is_null());
    monitor.on_activity({now + 10 * ms_per_day, "a", activity_kind::state, "on", true, "device"});
    (void)monitor.tick(now);
    EXPECT_FALSE(monitor.status(now)["last_activity"].is_null());
    EXPECT_LE(monitor.status(now)["last_activity"]["ts"].get<time_ms>(), now + 10 * ms_per_day);
    EXPECT_GT(monitor.next_check(now), now);
    EXPECT_TRUE(monitor.tick(now + 4 * ms_per_hour)) << "a record from the future does not mute the monitor";
}

// (6) DST: the spring change in Europe/Berlin (Sunday 2026-03-29) during the test days.
TEST(care, dst_change_in_europe_berlin) {
    zone_guard zone("Europe/Berlin");
    const care_settings settings = enabled_settings();
    const rules::local_date first{2026, 2, 23};  // 28 learn days end Monday 23 March
    const auto records = test::simulate_resident(41, first, k_learn_days + 14);
    const auto run = run_days(settings, records, rules::add_days(first, k_learn_days), 14);
    EXPECT_LE(count_alerts(run), 1u);
    std::printf("[care] Europe/Berlin across 2026-03-29: %zu false alert(s) in 14 days\n", count_alerts(run));

    // A stop at 10:00 local on the Sunday of the change (a 23-hour day).
    auto planted = test::simulate_resident(42, first, k_learn_days + 9);
    const rules::local_date change_day{2026, 3, 29};
    const time_ms stop = rules::local_time_on(change_day, 10 * 3600);
    test::plant_inactivity(planted, stop, stop + 12 * ms_per_hour);
    const time_ms last = last_activity_before(planted, stop + 12 * ms_per_hour);
    const auto episode = run_days(settings, planted, rules::add_days(change_day, -1), 3);
    const auto alert = std::find_if(episode.transitions.begin(), episode.transitions.end(), [&](const auto& t) {
        return t.what == care_transition::kind::alert && t.event.value("since", time_ms{0}) == last;
    });
    ASSERT_NE(alert, episode.transitions.end());
    const time_ms ts = alert->event.value("ts", time_ms{0});
    const care_model& model = episode.models.at(
        episode.model_of.at(static_cast<std::size_t>(std::distance(episode.transitions.begin(), alert))));
    const time_ms threshold =
        static_cast<time_ms>(model.threshold_s.at(static_cast<std::size_t>(hour_of_week(ts)))) * 1000;
    EXPECT_GE(ts - (last + threshold), 0);
    EXPECT_LE(ts - (last + threshold), 60 * 60'000);
    EXPECT_EQ(alert->event.value("hour_of_week", -1), hour_of_week(ts));
    std::printf("[care] Europe/Berlin stop 10:00 on 2026-03-29: threshold %lld min, alert after %lld min\n",
                static_cast<long long>(threshold / 60'000), static_cast<long long>((ts - last) / 60'000));
}

}  // namespace
}  // namespace hearth::proactive
