// Engine: every trigger, condition and action type, with a manual clock and fake device state.
#include "engine_fixture.hpp"

#include "rules/time_calc.hpp"

namespace hearth::rules::testing {
namespace {

json lock_rule(json extra = json::object()) {
    json r = {
        {"id", "r"},
        {"triggers", {{{"type", "state"}, {"device", "hall_lock"}, {"property", "lock_state"}, {"to", "locked"}}}},
        {"actions", {{{"device", "living_light"}, {"command", "turn_off"}}}}};
    r.update(extra);
    return one_rule(r);
}

TEST_F(engine_test, nothing_runs_before_start) {
    make(lock_rule(), false);
    EXPECT_TRUE(set("hall_lock", "lock_state", "locked").empty());
    EXPECT_TRUE(eng->tick(now + hour).empty());
}

TEST_F(engine_test, state_trigger_sends_command_and_traces_result) {
    make(lock_rule());
    auto e = set("hall_lock", "lock_state", "locked");
    auto cmds = only(e, effect::kind::command);
    ASSERT_EQ(cmds.size(), 1u);
    EXPECT_EQ(cmds[0].device, "living_light");
    EXPECT_EQ(cmds[0].command.name, "turn_off");
    EXPECT_EQ(cmds[0].rule, "r");
    EXPECT_TRUE(only(e, effect::kind::trace).empty());  // suspended until the command answers
    auto done = answer(e);
    auto traces = only(done, effect::kind::trace);
    ASSERT_EQ(traces.size(), 1u);
    const json& t = traces[0].data;
    EXPECT_EQ(t["result"], "ok");
    EXPECT_EQ(t["trigger"]["type"], "state");
    EXPECT_EQ(t["trigger"]["from"], "unlocked");
    EXPECT_EQ(t["trigger"]["to"], "locked");
    EXPECT_EQ(t["actions"][0]["result"], "ok");
    // Same value again, or another value: no trigger.
    EXPECT_TRUE(set("hall_lock", "lock_state", "locked").empty());
    EXPECT_TRUE(only(set("hall_lock", "lock_state", "unlocked"), effect::kind::command).empty());
}

TEST_F(engine_test, running_runs_are_traceable_before_they_finish) {
    make(lock_rule());
    EXPECT_TRUE(eng->running_traces("r").empty());
    auto e = set("hall_lock", "lock_state", "locked");
    ASSERT_EQ(only(e, effect::kind::command).size(), 1u);
    const auto running = eng->running_traces("r");  // waiting for the command's result
    ASSERT_EQ(running.size(), 1u);
    EXPECT_EQ(running[0]["result"], "running");
    EXPECT_EQ(running[0]["rule"], "r");
    EXPECT_EQ(running[0]["trigger"]["to"], "locked");
    EXPECT_EQ(running[0]["actions"][0]["device"], "living_light");
    EXPECT_FALSE(running[0]["actions"][0].contains("result"));
    answer(e);
    EXPECT_TRUE(eng->running_traces("r").empty());  // finished: traced through the trace effect
    EXPECT_TRUE(eng->running_traces("no_such_rule").empty());
}

TEST_F(engine_test, state_trigger_from_filter) {
    auto doc = lock_rule();
    doc["automations"][0]["triggers"][0]["from"] = "locking";
    make(doc);
    EXPECT_TRUE(only(set("hall_lock", "lock_state", "locked"), effect::kind::command).empty());  // from unlocked
    set("hall_lock", "lock_state", "locking");
    EXPECT_EQ(only(set("hall_lock", "lock_state", "locked"), effect::kind::command).size(), 1u);
}

TEST_F(engine_test, for_duration_fires_only_when_held) {
    auto doc = lock_rule();
    doc["automations"][0]["triggers"][0]["for"] = "2m";
    make(doc);
    auto e = set("hall_lock", "lock_state", "locked");
    EXPECT_TRUE(only(e, effect::kind::command).empty());
    EXPECT_EQ(only(e, effect::kind::save_timer).size(), 1u);  // the window is persisted
    EXPECT_EQ(eng->next_deadline(), now + 2 * minute);
    advance(minute);
    EXPECT_FALSE(only(set("hall_lock", "lock_state", "unlocked"), effect::kind::drop_timer).empty());
    EXPECT_TRUE(only(advance(5 * minute), effect::kind::command).empty());  // broken window: nothing
    set("hall_lock", "lock_state", "locked");
    EXPECT_TRUE(only(advance(119 * second), effect::kind::command).empty());
    auto fired = advance(second);
    ASSERT_EQ(only(fired, effect::kind::command).size(), 1u);
    EXPECT_TRUE(timers.empty());
}

TEST_F(engine_test, numeric_trigger_fires_on_entering_the_range) {
    make(one_rule(
        {{"id", "warm"},
         {"triggers", {{{"type", "numeric"}, {"device", "kitchen_fridge"}, {"property", "fridge_temp"}, {"above", 8}}}},
         {"actions", {{{"notify", "Fridge is warm"}}}}}));
    EXPECT_TRUE(set("kitchen_fridge", "fridge_temp", 7.5).empty());
    auto e = set("kitchen_fridge", "fridge_temp", 8.5);
    auto notes = only(e, effect::kind::notify);
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].data["type"], "notify");
    EXPECT_EQ(notes[0].data["message"], "Fridge is warm");
    EXPECT_EQ(notes[0].data["rule"], "warm");
    EXPECT_EQ(only(e, effect::kind::trace).size(), 1u);
    EXPECT_TRUE(set("kitchen_fridge", "fridge_temp", 9.0).empty());  // still inside: no new edge
    set("kitchen_fridge", "fridge_temp", 5.0);
    EXPECT_EQ(only(set("kitchen_fridge", "fridge_temp", 10.0), effect::kind::notify).size(), 1u);
}

TEST_F(engine_test, numeric_between_and_below) {
    make(one_rule(
        {{"id", "band"},
         {"triggers",
          {{{"type", "numeric"}, {"device", "robot_vacuum"}, {"property", "battery"}, {"above", 10}, {"below", 20}}}},
         {"actions", {{{"notify", "low"}}}}}));
    EXPECT_TRUE(set("robot_vacuum", "battery", 25).empty());
    EXPECT_EQ(only(set("robot_vacuum", "battery", 15), effect::kind::notify).size(), 1u);
    EXPECT_TRUE(set("robot_vacuum", "battery", 5).empty());
}

TEST_F(engine_test, event_trigger_matches_type_and_data) {
    make(one_rule({{"id", "jam"},
                   {"triggers",
                    {{{"type", "event"},
                      {"device", "hall_lock"},
                      {"event_type", "lock_alarm"},
                      {"data", {{"alarm", "jammed"}}}}}},
                   {"actions", {{{"notify", "Lock jammed"}}}}}));
    EXPECT_TRUE(
        record(eng->on_event("hall_lock", {{"event_type", "lock_alarm"}, {"alarm", "forced_open"}}, now)).empty());
    EXPECT_TRUE(record(eng->on_event("hall_lock", {{"event_type", "lock_operation"}}, now)).empty());
    auto e = record(eng->on_event("hall_lock", {{"event_type", "lock_alarm"}, {"alarm", "jammed"}}, now));
    ASSERT_EQ(only(e, effect::kind::notify).size(), 1u);
    EXPECT_EQ(only(e, effect::kind::trace)[0].data["trigger"]["data"]["alarm"], "jammed");
}

TEST_F(engine_test, time_trigger_on_weekdays) {
    make(one_rule({{"id", "wake"},
                   {"triggers", {{{"type", "time"}, {"at", "07:30"}, {"days", {"mon", "tue", "wed", "thu", "fri"}}}}},
                   {"actions", {{{"notify", "Good morning"}}}}}));
    EXPECT_EQ(eng->next_deadline(), t0 + 7 * hour + 30 * minute);
    std::vector<time_ms> fired;
    for (int i = 0; i < 7 * 24 * 4; ++i) {  // one week in 15-minute steps
        for (const auto& n : only(advance(15 * minute), effect::kind::notify))
            fired.push_back(n.data["ts"].get<time_ms>());
    }
    ASSERT_EQ(fired.size(), 5u);  // Monday..Friday, not the weekend
    for (std::size_t d = 0; d < 5; ++d)
        EXPECT_EQ(fired[d], t0 + static_cast<time_ms>(d) * 24 * hour + 7 * hour + 30 * minute);
}

TEST_F(engine_test, interval_trigger) {
    make(one_rule({{"id", "tick"},
                   {"mode", "parallel"},
                   {"triggers", {{{"type", "interval"}, {"every", "10m"}}}},
                   {"actions", {{{"notify", "tick"}}}}}));
    std::size_t n = 0;
    for (int i = 0; i < 60; ++i) n += only(advance(minute), effect::kind::notify).size();
    EXPECT_EQ(n, 6u);
}

TEST_F(engine_test, sun_trigger_fires_at_sunset_with_offset) {
    make(one_rule({{"id", "dusk"},
                   {"triggers", {{{"type", "sun"}, {"event", "sunset"}, {"offset", "-30m"}}}},
                   {"actions", {{{"device", "porch_switch"}, {"command", "turn_on"}}}}}));
    const auto sunset = sun_on(local_date_of(t0), 52.52, 13.405).sunset;
    ASSERT_TRUE(sunset);
    EXPECT_EQ(eng->next_deadline(), *sunset - 30 * minute);
    EXPECT_TRUE(only(advance(*sunset - 30 * minute - now - 1), effect::kind::command).empty());
    EXPECT_EQ(only(advance(1), effect::kind::command).size(), 1u);
}

TEST_F(engine_test, start_trigger_fires_once_at_start) {
    make(one_rule({{"id", "boot"}, {"triggers", {{{"type", "start"}}}}, {"actions", {{{"notify", "Hub started"}}}}}));
    EXPECT_EQ(only(log, effect::kind::notify).size(), 1u);
    EXPECT_TRUE(advance(hour).empty());
}

TEST_F(engine_test, conditions_are_evaluated_and_traced) {
    auto doc =
        lock_rule({{"conditions",
                    {{{"type", "state"}, {"device", "living_light"}, {"property", "on"}, {"is", true}},
                     {{"type", "numeric"}, {"device", "living_light"}, {"property", "brightness"}, {"above", 10}},
                     {{"type", "time"}, {"after", "22:00"}, {"before", "06:00"}},
                     {{"type", "weekday"}, {"days", {"mon"}}},
                     {{"type", "or"},
                      {"conditions",
                       {{{"type", "weekday"}, {"days", {"sun"}}},
                        {{"type", "not"}, {"conditions", {{{"type", "weekday"}, {"days", {"tue"}}}}}}}}}}}});
    make(doc);
    // 00:00 Monday: inside the wrapping window; the light is off -> condition 0 fails.
    auto e = set("hall_lock", "lock_state", "locked");
    auto traces = only(e, effect::kind::trace);
    ASSERT_EQ(traces.size(), 1u);
    const json& c = traces[0].data["conditions"];
    EXPECT_EQ(traces[0].data["result"], "condition_failed");
    ASSERT_EQ(c.size(), 5u);
    EXPECT_EQ(c[0]["result"], false);
    EXPECT_EQ(c[0]["value"], false);
    EXPECT_EQ(c[1]["result"], true);
    EXPECT_EQ(c[2]["result"], true);
    EXPECT_EQ(c[3]["result"], true);
    EXPECT_EQ(c[4]["result"], true);
    EXPECT_EQ(c[4]["conditions"][1]["result"], true);
    EXPECT_TRUE(only(e, effect::kind::command).empty());
    // Light on: all hold.
    world["living_light"]["on"] = true;
    set("hall_lock", "lock_state", "unlocked");
    EXPECT_EQ(only(set("hall_lock", "lock_state", "locked"), effect::kind::command).size(), 1u);
    // 12:00: outside the time window.
    answer(only(log, effect::kind::command));
    advance(12 * hour);
    set("hall_lock", "lock_state", "unlocked");
    EXPECT_TRUE(only(set("hall_lock", "lock_state", "locked"), effect::kind::command).empty());
}

TEST_F(engine_test, scene_action_expands_nested_scenes) {
    json doc = {
        {"scenes",
         {{{"id", "lights_off"},
           {"targets",
            {{{"device", "living_light"}, {"set", {{"on", false}}}},
             {{"device", "porch_switch"}, {"command", "turn_off"}}}}},
          {{"id", "away"},
           {"targets", {{{"scene", "lights_off"}}, {{"device", "robot_vacuum"}, {"command", "start"}}}}}}},
        {"automations",
         {{{"id", "r"},
           {"triggers", {{{"type", "state"}, {"device", "hall_lock"}, {"property", "lock_state"}, {"to", "locked"}}}},
           {"actions", {{{"scene", "away"}}, {{"notify", "done"}}}}}}}};
    make(doc);
    auto e = set("hall_lock", "lock_state", "locked");
    auto cmds = only(e, effect::kind::command);
    ASSERT_EQ(cmds.size(), 3u);
    EXPECT_EQ(cmds[0].command.name, "set");
    EXPECT_EQ(cmds[0].command.params["on"], false);
    EXPECT_EQ(cmds[2].device, "robot_vacuum");
    // The run waits for all three answers before the notify.
    EXPECT_TRUE(record(eng->on_command_result(cmds[0].token, true, "", now)).empty());
    EXPECT_TRUE(record(eng->on_command_result(cmds[1].token, true, "", now)).empty());
    EXPECT_EQ(only(record(eng->on_command_result(cmds[2].token, true, "", now)), effect::kind::notify).size(), 1u);
    EXPECT_EQ(eng->scene_commands("away")->size(), 3u);
    EXPECT_FALSE(eng->scene_commands("nope"));
}

TEST_F(engine_test, delay_then_continue) {
    make(lock_rule({{"actions", {{{"delay", "30m"}}, {{"notify", "half an hour later"}}}}}));
    auto e = set("hall_lock", "lock_state", "locked");
    auto saved = only(e, effect::kind::save_timer);
    ASSERT_EQ(saved.size(), 1u);
    EXPECT_EQ(saved[0].due, now + 30 * minute);
    EXPECT_EQ(saved[0].data["kind"], "delay");
    EXPECT_TRUE(advance(29 * minute).empty());
    auto done = advance(minute);
    EXPECT_EQ(only(done, effect::kind::notify).size(), 1u);
    EXPECT_EQ(only(done, effect::kind::drop_timer).size(), 1u);
    EXPECT_EQ(only(done, effect::kind::trace)[0].data["result"], "ok");
}

TEST_F(engine_test, wait_is_satisfied_by_a_state_change) {
    make(lock_rule({{"actions",
                     {{{"device", "robot_vacuum"}, {"command", "start"}},
                      {{"wait", {{"device", "robot_vacuum"}, {"property", "operational_state"}, {"is", "docked"}}},
                       {"timeout", "2h"}},
                      {{"notify", "Vacuum finished"}}}}}));
    world["robot_vacuum"]["operational_state"] = "running";
    auto e = answer(set("hall_lock", "lock_state", "locked"));
    EXPECT_EQ(only(e, effect::kind::save_timer).size(), 1u);
    EXPECT_TRUE(set("robot_vacuum", "operational_state", "charging").empty());
    auto done = set("robot_vacuum", "operational_state", "docked");
    EXPECT_EQ(only(done, effect::kind::notify).size(), 1u);
    EXPECT_FALSE(eng->next_deadline());  // the timeout is disarmed
}

TEST_F(engine_test, wait_timeout_stops_or_continues) {
    auto doc = lock_rule(
        {{"actions",
          {{{"wait", {{"device", "hall_lock"}, {"property", "door_state"}, {"is", "open"}}}, {"timeout", "5m"}},
           {{"notify", "after"}}}}});
    make(doc);
    set("hall_lock", "lock_state", "locked");
    auto e = advance(5 * minute);
    EXPECT_TRUE(only(e, effect::kind::notify).empty());
    auto t = only(e, effect::kind::trace);
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].data["result"], "timeout");
    EXPECT_EQ(t[0].data["actions"][0]["result"], "timeout");

    doc["automations"][0]["actions"][0]["on_timeout"] = "continue";
    make(doc);
    set("hall_lock", "lock_state", "unlocked");
    set("hall_lock", "lock_state", "locked");
    EXPECT_EQ(only(advance(5 * minute), effect::kind::notify).size(), 1u);
}

TEST_F(engine_test, enable_and_disable_other_rules) {
    json doc = {{"automations",
                 {{{"id", "night"},
                   {"triggers", {{{"type", "state"}, {"device", "living_light"}, {"property", "on"}, {"to", false}}}},
                   {"actions", {{{"disable", "motion_light"}}}}},
                  {{"id", "day"},
                   {"triggers", {{{"type", "state"}, {"device", "living_light"}, {"property", "on"}, {"to", true}}}},
                   {"actions", {{{"enable", "motion_light"}}}}},
                  {{"id", "motion_light"},
                   {"triggers", {{{"type", "state"}, {"device", "hall_motion"}, {"property", "on"}, {"to", true}}}},
                   {"actions", {{{"notify", "motion"}}}}}}}};
    make(doc);
    set("living_light", "on", true);
    auto e = set("living_light", "on", false);
    auto en = only(e, effect::kind::set_enabled);
    ASSERT_EQ(en.size(), 1u);
    EXPECT_EQ(en[0].rule, "motion_light");
    EXPECT_FALSE(en[0].enabled);
    EXPECT_TRUE(only(set("hall_motion", "on", true), effect::kind::notify).empty());
    set("hall_motion", "on", false);
    set("living_light", "on", true);
    EXPECT_EQ(only(set("hall_motion", "on", true), effect::kind::notify).size(), 1u);
}

TEST_F(engine_test, failed_command_fails_the_run_unless_continue_on_error) {
    auto doc = lock_rule({{"actions", {{{"device", "living_light"}, {"command", "turn_off"}}, {{"notify", "after"}}}}});
    make(doc);
    auto e = answer(set("hall_lock", "lock_state", "locked"), false, "device is offline");
    EXPECT_TRUE(only(e, effect::kind::notify).empty());
    auto failed = only(e, effect::kind::rule_failed);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].data["type"], "rule_failed");
    EXPECT_NE(failed[0].data["error"].get<std::string>().find("device is offline"), std::string::npos);
    auto t = only(e, effect::kind::trace)[0].data;
    EXPECT_EQ(t["result"], "failed");
    EXPECT_EQ(t["actions"][0]["result"], "error");

    doc["automations"][0]["actions"][0]["continue_on_error"] = true;
    make(doc);
    set("hall_lock", "lock_state", "unlocked");
    e = answer(set("hall_lock", "lock_state", "locked"), false);
    EXPECT_EQ(only(e, effect::kind::notify).size(), 1u);
    EXPECT_TRUE(only(e, effect::kind::rule_failed).empty());
}

TEST_F(engine_test, manual_run_skips_conditions_and_status_reports_it) {
    make(lock_rule(
        {{"conditions", {{{"type", "state"}, {"device", "living_light"}, {"property", "on"}, {"is", true}}}}}));
    auto e = answer(record(*eng->run("r", now)));
    EXPECT_EQ(only(e, effect::kind::trace)[0].data["trigger"]["type"], "manual");
    auto st = eng->status();
    ASSERT_EQ(st.size(), 1u);
    EXPECT_EQ(st[0].last_result, "ok");
    EXPECT_EQ(st[0].last_run, now);
    EXPECT_FALSE(eng->run("unknown", now));
}

}  // namespace
}  // namespace hearth::rules::testing
