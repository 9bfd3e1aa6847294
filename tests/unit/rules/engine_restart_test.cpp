// Engine: durability across a restart (persisted delays, waits and `for` windows resumed by a new
// engine) and the catch-up policy for time triggers missed while the hub was down.
#include "engine_fixture.hpp"

namespace hearth::rules::testing {
namespace {

json delay_rule() {
    return one_rule(
        {{"id", "d"},
         {"triggers",
          {{{"type", "state"}, {"device", "bathroom_washer"}, {"property", "operational_state"}, {"to", "running"}}}},
         {"actions", {{{"delay", "1h"}}, {{"notify", "Laundry has been sitting for an hour"}}}}});
}

TEST_F(engine_test, delay_resumes_after_restart) {
    make(delay_rule());
    set("bathroom_washer", "operational_state", "running");
    ASSERT_EQ(timers.size(), 1u);
    advance(20 * minute);
    // "Restart": a new engine, fed what the store holds.
    make(delay_rule(), true, persisted());
    EXPECT_EQ(eng->active_runs(), 1u);
    EXPECT_EQ(eng->next_deadline(), t0 + hour);
    EXPECT_TRUE(advance(39 * minute).empty());
    auto e = advance(minute);
    ASSERT_EQ(only(e, effect::kind::notify).size(), 1u);
    auto t = only(e, effect::kind::trace)[0].data;
    EXPECT_EQ(t["resumed"], true);
    EXPECT_EQ(t["result"], "ok");
    EXPECT_EQ(t["trigger"]["to"], "running");
    EXPECT_TRUE(timers.empty());
}

TEST_F(engine_test, delay_that_expired_while_down_runs_at_start) {
    make(delay_rule());
    set("bathroom_washer", "operational_state", "running");
    now += 3 * hour;  // down for three hours
    make(delay_rule(), true, persisted());
    EXPECT_EQ(only(log, effect::kind::notify).size(), 1u);
    EXPECT_TRUE(timers.empty());
}

TEST_F(engine_test, restored_timer_of_a_changed_rule_is_dropped) {
    make(delay_rule());
    set("bathroom_washer", "operational_state", "running");
    auto changed = delay_rule();
    changed["automations"][0]["actions"][0]["delay"] = "2h";
    make(changed, true, persisted());
    EXPECT_EQ(eng->active_runs(), 0u);
    EXPECT_TRUE(timers.empty());
}

TEST_F(engine_test, wait_resumes_after_restart_and_rechecks_state) {
    json doc = one_rule(
        {{"id", "w"},
         {"triggers", {{{"type", "event"}, {"device", "robot_vacuum"}, {"event_type", "operation_completed"}}}},
         {"actions",
          {{{"wait", {{"device", "robot_vacuum"}, {"property", "operational_state"}, {"is", "docked"}}},
            {"timeout", "1h"}},
           {{"notify", "docked"}}}}});
    world["robot_vacuum"]["operational_state"] = "seeking_charger";
    make(doc);
    record(eng->on_event("robot_vacuum", {{"event_type", "operation_completed"}}, now));
    ASSERT_EQ(timers.size(), 1u);
    // While down the vacuum docked: the restored wait is satisfied at start.
    world["robot_vacuum"]["operational_state"] = "docked";
    now += 10 * minute;
    make(doc, true, persisted());
    EXPECT_EQ(only(log, effect::kind::notify).size(), 1u);

    // Not docked: the timeout keeps its original deadline.
    log.clear();
    world["robot_vacuum"]["operational_state"] = "seeking_charger";
    record(eng->on_event("robot_vacuum", {{"event_type", "operation_completed"}}, now));
    const time_ms deadline = now + hour;
    now += 10 * minute;
    make(doc, true, persisted());
    EXPECT_EQ(eng->next_deadline(), deadline);
    EXPECT_EQ(only(advance(deadline - now), effect::kind::trace)[0].data["result"], "timeout");
}

TEST_F(engine_test, for_window_survives_a_restart_only_if_state_still_holds) {
    json doc =
        one_rule({{"id", "elder"},
                  {"triggers",
                   {{{"type", "state"}, {"device", "hall_motion"}, {"property", "on"}, {"to", false}, {"for", "4h"}}}},
                  {"actions", {{{"notify", "No motion for 4 hours"}}}}});
    world["hall_motion"]["on"] = true;
    make(doc);
    set("hall_motion", "on", false);
    advance(hour);
    make(doc, true, persisted());
    EXPECT_EQ(eng->next_deadline(), t0 + 4 * hour);
    EXPECT_EQ(only(advance(3 * hour), effect::kind::notify).size(), 1u);

    // Motion seen while the hub was down (restored state on=true): the window is dropped.
    set("hall_motion", "on", true);
    set("hall_motion", "on", false);
    world["hall_motion"]["on"] = true;
    make(doc, true, persisted());
    EXPECT_FALSE(eng->next_deadline());
    EXPECT_TRUE(timers.empty());
}

json morning(const std::string& policy) {
    return one_rule({{"id", "morning"},
                     {"catch_up", policy},
                     {"triggers", {{{"type", "time"}, {"at", "07:00"}}}},
                     {"actions", {{{"notify", "coffee"}}}}});
}

TEST_F(engine_test, catch_up_skip_ignores_missed_times) {
    const time_ms down_at = t0 + 6 * hour;
    now = t0 + 9 * hour;
    make(morning("skip"), true, {}, down_at);
    EXPECT_TRUE(only(log, effect::kind::notify).empty());
    EXPECT_EQ(eng->next_deadline(), t0 + 24 * hour + 7 * hour);
}

TEST_F(engine_test, catch_up_fire_once_runs_once_for_many_missed_times) {
    now = t0 + 3 * 24 * hour + 9 * hour;  // down for three days: three 07:00 missed
    make(morning("fire_once"), true, {}, t0 + 6 * hour);
    auto notes = only(log, effect::kind::notify);
    ASSERT_EQ(notes.size(), 1u);
    auto t = only(log, effect::kind::trace)[0].data;
    EXPECT_EQ(t["trigger"]["catch_up"], true);
    EXPECT_EQ(t["trigger"]["scheduled"], t0 + 7 * hour);
    // Nothing missed: nothing fired.
    log.clear();
    now = t0 + 8 * hour;
    make(morning("fire_once"), true, {}, t0 + 7 * hour + minute);
    EXPECT_TRUE(only(log, effect::kind::notify).empty());
}

TEST_F(engine_test, reload_keeps_runs_of_unchanged_rules_and_cancels_changed_ones) {
    json doc = {
        {"automations",
         {delay_rule()["automations"][0],
          {{"id", "other"},
           {"triggers",
            {{{"type", "state"}, {"device", "bathroom_washer"}, {"property", "operational_state"}, {"to", "running"}}}},
           {"actions", {{{"delay", "1h"}}, {{"notify", "other"}}}}}}}};
    make(doc);
    set("bathroom_washer", "operational_state", "running");
    EXPECT_EQ(eng->active_runs(), 2u);
    doc["automations"][1]["actions"][0]["delay"] = "2h";
    auto e = record(eng->load(rules_of(doc), {}, now));
    auto traces = only(e, effect::kind::trace);
    ASSERT_EQ(traces.size(), 1u);
    EXPECT_EQ(traces[0].rule, "other");
    EXPECT_EQ(traces[0].data["result"], "cancelled");
    EXPECT_EQ(eng->active_runs(), 1u);
    EXPECT_EQ(only(advance(hour), effect::kind::notify).size(), 1u);
}

}  // namespace
}  // namespace hearth::rules::testing
