// Engine: the run_when_cheapest action with a manual clock — the valley start under a time-of-use
// tariff, the command sent at that start and not before, the wait persisted across a restart like
// a delay, and the runs that start at once (no tariffs, a deadline too close) saying why.
#include "core/config.hpp"
#include "engine_fixture.hpp"

namespace hearth::rules::testing {
namespace {

/// peak 0.98 18:00-21:30, flat 0.62 08:00-18:00 and 21:30-23:00, valley 0.31 23:00-08:00, every day
/// from 2023-01-01 (local dates and times: parse after setting the time zone).
energy_config tou_tariffs() {
    auto r = parse_config(R"({"energy": {"currency": "CNY", "tariffs": [{"from": "2023-01-01", "type": "time_of_use",
        "periods": {"peak": 0.98, "flat": 0.62, "valley": 0.31},
        "schedules": [{"slots": [{"start": "00:00", "period": "valley"}, {"start": "08:00", "period": "flat"},
                                 {"start": "18:00", "period": "peak"}, {"start": "21:30", "period": "flat"},
                                 {"start": "23:00", "period": "valley"}]}]}]}})",
                          "hearth.json", "/");
    if (!r)
        for (const auto& e : r.error()) ADD_FAILURE() << e.to_string();
    return r ? r->energy : energy_config{};
}

/// Washer: start the eco programme (2 h) so that it ends by `deadline`, then notify.
json washer_rule(const std::string& deadline = "07:00", int minutes = 120) {
    return one_rule({{"id", "cheap"},
                     {"triggers", {{{"type", "state"}, {"device", "bathroom_washer"}, {"property", "program"}}}},
                     {"actions",
                      {{{"run_when_cheapest",
                         {{"device", "bathroom_washer"},
                          {"command", "start"},
                          {"params", {{"program", "eco"}}},
                          {"duration_min", minutes},
                          {"deadline", deadline}}}},
                       {{"notify", "washer started"}}}}});
}

/// The run_when_cheapest entry of the rule's run in progress.
json planned(const engine& eng) {
    auto runs = eng.running_traces("cheap");
    if (runs.size() != 1) {
        ADD_FAILURE() << runs.size() << " runs in progress";
        return json::object();
    }
    return runs[0]["actions"][0];
}

TEST_F(engine_test, run_when_cheapest_waits_for_the_valley_and_sends_then) {
    tariffs = tou_tariffs();
    now = t0 + 20 * hour;  // Monday 20:00: peak until 21:30
    make(washer_rule());
    auto e = set("bathroom_washer", "program", "eco");
    EXPECT_TRUE(only(e, effect::kind::command).empty()) << "sent before the chosen start";
    const json entry = planned(*eng);
    EXPECT_EQ(entry["type"], "run_when_cheapest");
    EXPECT_EQ(entry["start"], t0 + 23 * hour);     // the valley's first minute
    EXPECT_EQ(entry["deadline"], t0 + 31 * hour);  // the next 07:00: Tuesday
    EXPECT_EQ(entry["duration_min"], 120);
    EXPECT_NEAR(entry["cost_per_kw"].get<double>(), 2 * 0.31, 1e-9);
    EXPECT_NEAR(entry["start_now_cost_per_kw"].get<double>(), 1.5 * 0.98 + 0.5 * 0.62, 1e-9);
    EXPECT_NEAR(entry["saving_per_kw"].get<double>(), 1.5 * 0.98 + 0.5 * 0.62 - 2 * 0.31, 1e-9);
    EXPECT_EQ(entry["currency"], "CNY");
    EXPECT_FALSE(entry.contains("note"));
    ASSERT_EQ(timers.size(), 1u);  // persisted like a delay
    EXPECT_EQ(timers.begin()->second.due_ts, t0 + 23 * hour);
    EXPECT_EQ(eng->next_deadline(), t0 + 23 * hour);

    EXPECT_TRUE(only(advance(3 * hour - second), effect::kind::command).empty());
    e = advance(second);
    auto commands = only(e, effect::kind::command);
    ASSERT_EQ(commands.size(), 1u);
    EXPECT_EQ(commands[0].device, "bathroom_washer");
    EXPECT_EQ(commands[0].command.name, "start");
    EXPECT_EQ(commands[0].command.params, json({{"program", "eco"}}));
    EXPECT_TRUE(timers.empty());
    e = answer(e);
    EXPECT_EQ(only(e, effect::kind::notify).size(), 1u);
    auto traces = only(e, effect::kind::trace);
    ASSERT_EQ(traces.size(), 1u);
    const json& done = traces[0].data["actions"][0];
    EXPECT_EQ(done["sent"], t0 + 23 * hour);
    EXPECT_EQ(done["result"], "ok");
    EXPECT_EQ(traces[0].data["result"], "ok");
}

TEST_F(engine_test, run_when_cheapest_uses_the_local_time_zone) {
    scoped_tz tz("CST-8");  // UTC+8: t0 is Monday 08:00 local
    tariffs = tou_tariffs();
    now = t0 + 12 * hour;  // 20:00 local
    make(washer_rule());
    set("bathroom_washer", "program", "eco");
    const json entry = planned(*eng);
    EXPECT_EQ(entry["start"], t0 + 15 * hour);     // 23:00 local
    EXPECT_EQ(entry["deadline"], t0 + 23 * hour);  // 07:00 local
}

TEST_F(engine_test, run_when_cheapest_survives_a_restart) {
    tariffs = tou_tariffs();
    now = t0 + 20 * hour;
    make(washer_rule());
    set("bathroom_washer", "program", "eco");
    ASSERT_EQ(timers.size(), 1u);
    advance(hour);
    make(washer_rule(), true, persisted());  // a new process, fed what the store holds
    EXPECT_EQ(eng->active_runs(), 1u);
    EXPECT_EQ(eng->next_deadline(), t0 + 23 * hour);
    EXPECT_TRUE(only(advance(2 * hour - second), effect::kind::command).empty());
    auto e = advance(second);
    ASSERT_EQ(only(e, effect::kind::command).size(), 1u);
    auto traces = only(answer(e), effect::kind::trace);
    ASSERT_EQ(traces.size(), 1u);
    EXPECT_EQ(traces[0].data["resumed"], true);
    EXPECT_EQ(traces[0].data["actions"][0]["start"], t0 + 23 * hour);  // the choice survives in the trace
    EXPECT_EQ(traces[0].data["result"], "ok");
    EXPECT_TRUE(timers.empty());
}

TEST_F(engine_test, run_when_cheapest_start_that_passed_while_down_is_sent_at_start) {
    tariffs = tou_tariffs();
    now = t0 + 20 * hour;
    make(washer_rule());
    set("bathroom_washer", "program", "eco");
    log.clear();
    now = t0 + 24 * hour;  // down from 20:00 to 00:00
    make(washer_rule(), true, persisted());
    EXPECT_EQ(only(log, effect::kind::command).size(), 1u);
}

TEST_F(engine_test, run_when_cheapest_without_tariffs_starts_at_once_and_says_so) {
    now = t0 + 20 * hour;
    make(washer_rule());
    auto e = set("bathroom_washer", "program", "eco");
    ASSERT_EQ(only(e, effect::kind::command).size(), 1u);
    EXPECT_TRUE(timers.empty());
    const json entry = planned(*eng);
    EXPECT_EQ(entry["start"], now);
    EXPECT_EQ(entry["sent"], now);
    EXPECT_NE(entry["note"].get<std::string>().find("no tariffs configured"), std::string::npos) << entry;
    EXPECT_FALSE(entry.contains("saving_per_kw"));
}

TEST_F(engine_test, run_when_cheapest_with_a_deadline_too_close_starts_at_once) {
    tariffs = tou_tariffs();
    now = t0 + 6 * hour;  // 06:00, 2 h run, deadline 07:00 today
    make(washer_rule());
    auto e = set("bathroom_washer", "program", "eco");
    ASSERT_EQ(only(e, effect::kind::command).size(), 1u);
    const json entry = planned(*eng);
    EXPECT_EQ(entry["deadline"], t0 + 7 * hour);
    EXPECT_EQ(entry["start"], now);
    EXPECT_EQ(entry["saving_per_kw"], 0.0);
    EXPECT_NE(entry["note"].get<std::string>().find("less than 120 min away"), std::string::npos) << entry;
}

TEST_F(engine_test, run_when_cheapest_starts_at_once_when_now_is_cheapest) {
    tariffs = tou_tariffs();
    now = t0 + 23 * hour + 30 * minute;  // already in the valley
    make(washer_rule());
    auto e = set("bathroom_washer", "program", "eco");
    ASSERT_EQ(only(e, effect::kind::command).size(), 1u);
    const json entry = planned(*eng);
    EXPECT_EQ(entry["start"], now);
    EXPECT_EQ(entry["saving_per_kw"], 0.0);
}

TEST_F(engine_test, run_when_cheapest_cancelled_while_waiting_sends_nothing) {
    tariffs = tou_tariffs();
    now = t0 + 20 * hour;
    make(washer_rule());
    set("bathroom_washer", "program", "eco");
    record(*eng->set_enabled("cheap", false, now));
    EXPECT_TRUE(timers.empty());
    EXPECT_EQ(eng->active_runs(), 0u);
    EXPECT_TRUE(only(advance(12 * hour), effect::kind::command).empty());
}

TEST_F(engine_test, run_when_cheapest_command_failure_fails_the_run) {
    now = t0 + 20 * hour;
    make(washer_rule());
    auto e = answer(set("bathroom_washer", "program", "eco"), false, "a cycle is already in progress");
    auto traces = only(e, effect::kind::trace);
    ASSERT_EQ(traces.size(), 1u);
    EXPECT_EQ(traces[0].data["result"], "failed");
    EXPECT_EQ(traces[0].data["actions"][0]["result"], "error");
    EXPECT_EQ(only(e, effect::kind::rule_failed).size(), 1u);
}

}  // namespace
}  // namespace hearth::rules::testing
