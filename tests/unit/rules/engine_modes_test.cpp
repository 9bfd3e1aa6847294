// Engine: run modes (single, restart, queued, parallel with max) and a 1,000-rule set.
#include "engine_fixture.hpp"

namespace hearth::rules::testing {
namespace {

json delayed_rule(const std::string& mode, int max = 10) {
    return one_rule({{"id", "m"},
                     {"mode", mode},
                     {"max", max},
                     {"triggers", {{{"type", "event"}, {"device", "front_camera"}, {"event_type", "doorbell"}}}},
                     {"actions", {{{"delay", "1m"}}, {{"notify", "done"}}}}});
}

class modes_test : public engine_test {
protected:
    effects ring() { return record(eng->on_event("front_camera", {{"event_type", "doorbell"}}, now)); }
    std::size_t notifies(const effects& e) { return only(e, effect::kind::notify).size(); }
};

TEST_F(modes_test, single_ignores_triggers_while_running) {
    make(delayed_rule("single"));
    ring();
    advance(10 * second);
    EXPECT_TRUE(ring().empty());
    EXPECT_EQ(eng->status()[0].skipped_runs, 1u);
    EXPECT_EQ(notifies(advance(50 * second)), 1u);
    EXPECT_EQ(notifies(advance(hour)), 0u);
}

TEST_F(modes_test, restart_cancels_the_running_run) {
    make(delayed_rule("restart"));
    ring();
    advance(30 * second);
    auto e = ring();
    auto traces = only(e, effect::kind::trace);
    ASSERT_EQ(traces.size(), 1u);
    EXPECT_EQ(traces[0].data["result"], "cancelled");
    EXPECT_EQ(notifies(advance(30 * second)), 0u);  // the first run's delay is gone
    EXPECT_EQ(notifies(advance(30 * second)), 1u);  // the new run's delay ends
}

TEST_F(modes_test, queued_runs_one_after_another_up_to_max) {
    make(delayed_rule("queued", 2));
    ring();
    ring();
    ring();
    ring();  // one running, two queued, one dropped
    EXPECT_EQ(eng->status()[0].queued_runs, 2u);
    EXPECT_EQ(eng->status()[0].skipped_runs, 1u);
    std::size_t n = 0;
    for (int i = 0; i < 5; ++i) n += notifies(advance(minute));
    EXPECT_EQ(n, 3u);
}

TEST_F(modes_test, parallel_runs_alongside_up_to_max) {
    make(delayed_rule("parallel", 3));
    for (int i = 0; i < 5; ++i) ring();
    EXPECT_EQ(eng->active_runs(), 3u);
    EXPECT_EQ(notifies(advance(minute)), 3u);
    EXPECT_EQ(eng->active_runs(), 0u);
}

TEST_F(modes_test, disabling_cancels_runs_and_ignores_triggers) {
    make(delayed_rule("single"));
    ring();
    auto e = record(*eng->set_enabled("m", false, now));
    EXPECT_EQ(only(e, effect::kind::trace)[0].data["result"], "cancelled");
    EXPECT_EQ(only(e, effect::kind::drop_timer).size(), 1u);
    EXPECT_TRUE(ring().empty());
    record(*eng->set_enabled("m", true, now));
    EXPECT_FALSE(ring().empty());
    EXPECT_FALSE(eng->set_enabled("nope", true, now));
}

TEST_F(engine_test, thousand_rules) {
    // 1,000 rules over the demo devices: state, numeric and event triggers with conditions.
    json list = json::array();
    for (int i = 0; i < 1000; ++i) {
        json trigger;
        switch (i % 3) {
        case 0:
            trigger = {
                {"type", "numeric"}, {"device", "kitchen_fridge"}, {"property", "fridge_temp"}, {"above", i % 30}};
            break;
        case 1: trigger = {{"type", "state"}, {"device", "hall_motion"}, {"property", "on"}, {"to", true}}; break;
        default: trigger = {{"type", "event"}, {"device", "front_camera"}, {"event_type", "doorbell"}}; break;
        }
        list.push_back(
            {{"id", "rule_" + std::to_string(i)},
             {"mode", "parallel"},
             {"triggers", {trigger}},
             {"conditions",
              {{{"type", "numeric"}, {"device", "robot_vacuum"}, {"property", "battery"}, {"above", i % 100}}}},
             {"actions", {{{"notify", "n"}}}}});
    }
    world["kitchen_fridge"]["fridge_temp"] = -5.0;
    world["robot_vacuum"]["battery"] = 50;  // rules with i % 100 < 50 pass their condition
    make({{"automations", list}});
    ASSERT_EQ(eng->rules().automations.size(), 1000u);
    std::size_t notified = 0, traced = 0;
    for (int round = 0; round < 10; ++round) {
        auto a = set("hall_motion", "on", true);
        auto b = record(eng->on_event("front_camera", {{"event_type", "doorbell"}}, now));
        auto c = set("kitchen_fridge", "fridge_temp", 35.0);
        for (auto* e : {&a, &b, &c}) {
            notified += only(*e, effect::kind::notify).size();
            traced += only(*e, effect::kind::trace).size();
        }
        set("hall_motion", "on", false);
        set("kitchen_fridge", "fridge_temp", -5.0);
    }
    // Every rule fires once per round (334 + 333 + 333), half of them pass the condition.
    EXPECT_EQ(traced, 10u * 1000u);
    std::size_t passing = 0;
    for (int i = 0; i < 1000; ++i) passing += (i % 100 < 50) ? 1 : 0;
    EXPECT_EQ(notified, 10u * passing);
}

}  // namespace
}  // namespace hearth::rules::testing
