// Bad-plugin zoo, runtime half: broken drivers inside a real gateway next to a healthy one. Each
// case asserts the precise failure handling and that the good neighbour keeps working.
#include "zoo_harness.hpp"

#include "zoo_garbage.h"

namespace {

using zoo::contains;
using zoo::driver;
using zoo::harness;

TEST(zoo_runtime, good_neighbour_alone_works) {
    harness h;
    zoo::start_with_good_neighbour(h, {});
    EXPECT_TRUE(h.run_until([&] { return h.gw->drivers_ready(); }));
    EXPECT_EQ(to_string(h.status_of("good").state), "running");
    EXPECT_TRUE(h.status_of("good").ready);
    h.expect_good_neighbour_works("turn_on", true);
    h.expect_good_neighbour_works("turn_off", false);
}

TEST(zoo_runtime, plugins_refused_at_load_do_not_stop_the_gateway) {
    harness h;
    zoo::start_with_good_neighbour(h, {driver("zoo_wrong_major", "wm"), driver("zoo_null_entry", "ne"),
                                       driver("zoo_entry_null", "en"), driver("zoo_no_entry", "noe")});
    for (const char* id : {"wm", "ne", "en", "noe"}) {
        SCOPED_TRACE(id);
        const auto failed = h.rec.bridge_event("plugin_failed", id);
        ASSERT_TRUE(failed.has_value());
        EXPECT_FALSE(failed->value("reason", "").empty());
        EXPECT_FALSE(h.rec.bridge_event("plugin_loaded", id).has_value());
        const auto st = h.status_of(id);
        EXPECT_EQ(to_string(st.state), "quarantined");
        EXPECT_EQ(st.last_error, failed->value("reason", ""));
    }
    EXPECT_TRUE(contains(h.rec.bridge_event("plugin_failed", "wm")->value("reason", ""), "ABI major 2"));
    EXPECT_TRUE(contains(h.rec.bridge_event("plugin_failed", "ne")->value("reason", ""), "'handle_command' is NULL"));
    EXPECT_TRUE(contains(h.rec.bridge_event("plugin_failed", "en")->value("reason", ""), "returned NULL"));
    EXPECT_TRUE(contains(h.rec.bridge_event("plugin_failed", "noe")->value("reason", ""), "hearth_plugin_v1"));
    EXPECT_TRUE(h.run_until([&] { return h.gw->drivers_ready(); }));
    h.expect_good_neighbour_works();
}

TEST(zoo_runtime, zero_tail_plugin_runs) {
    harness h;
    zoo::start_with_good_neighbour(h, {driver("zoo_tail_zero", "tailz")});
    ASSERT_TRUE(h.wait_online("tailz_switch"));
    const std::size_t before = h.rec.states.size();
    const auto out = h.execute("tailz_switch", "turn_on");
    ASSERT_TRUE(out.has_value());
    EXPECT_TRUE(out->ok) << out->error;
    EXPECT_TRUE(h.run_until([&] { return h.rec.saw_state(before, "tailz_switch", "on", true); }));
    EXPECT_EQ(to_string(h.status_of("tailz").state), "running");
    h.expect_good_neighbour_works();
}

TEST(zoo_runtime, throwing_start_is_quarantined) {
    harness h;
    zoo::start_with_good_neighbour(h, {driver("zoo_throw_start", "thrower")});
    ASSERT_TRUE(h.wait_bridge("plugin_failed", "thrower"));
    EXPECT_TRUE(h.rec.bridge_event("plugin_loaded", "thrower").has_value()) << "it loaded fine; start failed";
    const auto reason = h.rec.bridge_event("plugin_failed", "thrower")->value("reason", "");
    EXPECT_TRUE(contains(reason, "start failed"));
    EXPECT_TRUE(contains(reason, "zoo: start exploded on purpose"));
    EXPECT_EQ(h.rec.bridge_event("plugin_failed", "thrower")->value("plugin", ""), "zoo_throw_start");

    const auto st = h.status_of("thrower");
    EXPECT_EQ(to_string(st.state), "quarantined");
    EXPECT_EQ(st.last_error, reason);
    EXPECT_FALSE(st.ready);
    EXPECT_TRUE(h.rec.added == std::vector<std::string>{"good_switch"}) << "the thrower registered nothing";

    // The loop keeps running: readiness is announced without the quarantined driver.
    EXPECT_TRUE(h.run_until([&] { return h.gw->drivers_ready(); }));
    EXPECT_EQ(h.rec.drivers_ready, 1);
    h.expect_good_neighbour_works();
    EXPECT_EQ(to_string(h.status_of("good").state), "running");
}

TEST(zoo_runtime, throwing_command_fails_each_command_then_quarantines) {
    harness h;  // max_failures = 3
    zoo::start_with_good_neighbour(h, {driver("zoo_throw_command", "thrower")});
    ASSERT_TRUE(h.wait_online("thrower_switch"));

    // Two failures, then a success resets the count: only consecutive failures count.
    for (int i = 1; i <= 2; ++i) {
        const auto out = h.execute("thrower_switch", "turn_on");
        ASSERT_TRUE(out.has_value());
        EXPECT_FALSE(out->ok);
        EXPECT_EQ(out->status, HEARTH_ERR_INTERNAL);
        EXPECT_EQ(out->error, "zoo: kaboom on command " + std::to_string(i));
    }
    const auto ok = h.execute("thrower_switch", "turn_off");
    ASSERT_TRUE(ok.has_value());
    EXPECT_TRUE(ok->ok) << ok->error;
    h.expect_good_neighbour_works();

    for (int i = 3; i <= 4; ++i) {
        const auto out = h.execute("thrower_switch", "turn_on");
        ASSERT_TRUE(out.has_value());
        EXPECT_FALSE(out->ok);
        EXPECT_EQ(out->status, HEARTH_ERR_INTERNAL);
        EXPECT_EQ(out->error, "zoo: kaboom on command " + std::to_string(i));
    }
    EXPECT_EQ(to_string(h.status_of("thrower").state), "running") << "4 failures, but never 3 in a row";
    EXPECT_FALSE(h.rec.bridge_event("plugin_failed", "thrower").has_value());

    // The third consecutive failure (the fifth turn_on) quarantines it; the command still gets an error with the
    // message.
    const auto fifth = h.execute("thrower_switch", "turn_on");
    ASSERT_TRUE(fifth.has_value());
    EXPECT_FALSE(fifth->ok);
    EXPECT_TRUE(contains(fifth->error, "zoo: kaboom on command 5"));
    ASSERT_TRUE(h.wait_bridge("plugin_failed", "thrower"));
    const auto reason = h.rec.bridge_event("plugin_failed", "thrower")->value("reason", "");
    EXPECT_TRUE(contains(reason, "failed 3 times in a row"));
    EXPECT_TRUE(contains(reason, "zoo: kaboom on command 5"));

    const auto st = h.status_of("thrower");
    EXPECT_EQ(to_string(st.state), "quarantined");
    EXPECT_GE(st.errors, 5u);
    EXPECT_FALSE(h.gw->registry().find("thrower_switch")->online) << "devices of a quarantined driver go offline";

    // No further calls reach it: refused at once.
    const auto after = h.execute("thrower_switch", "turn_on");
    ASSERT_TRUE(after.has_value());
    EXPECT_FALSE(after->ok);
    EXPECT_EQ(after->status, HEARTH_ERR_UNSUPPORTED);
    EXPECT_TRUE(contains(after->error, "is not running"));

    h.expect_good_neighbour_works("turn_off", false);
    EXPECT_EQ(to_string(h.status_of("good").state), "running");
}

TEST(zoo_runtime, driver_error_lines_count_in_health_but_never_quarantine) {
    harness h;  // max_failures = 3
    zoo::start_with_good_neighbour(h, {driver("zoo_throw_command", "thrower")});
    ASSERT_TRUE(h.wait_online("thrower_switch"));
    const auto before = h.status_of("thrower").errors;
    for (int i = 1; i <= 5; ++i) {  // more error lines than max_failures
        const auto out = h.execute("thrower_switch", "turn_off");
        ASSERT_TRUE(out.has_value());
        EXPECT_TRUE(out->ok) << out->error;
    }
    const auto st = h.status_of("thrower");
    EXPECT_EQ(st.errors, before + 5);
    EXPECT_EQ(st.last_error, "zoo: an error line, not a failure");
    EXPECT_EQ(to_string(st.state), "running");
    h.expect_good_neighbour_works();
}

TEST(zoo_runtime, garbage_is_refused_or_counted_and_the_gateway_lives_on) {
    harness h;
    zoo::start_with_good_neighbour(h, {driver("zoo_garbage", "garbage")});
    ASSERT_TRUE(h.wait_online("garbage_switch"));
    ASSERT_TRUE(h.run_until([&] { return h.gw->drivers_ready(); }));

    auto result = zoo::probe<int (*)(int)>("zoo_garbage", "zoo_garbage_result");
    ASSERT_NE(result, nullptr);
    EXPECT_EQ(result(ZOO_G_REGISTER_INVALID_DESCRIPTOR), HEARTH_ERR_INVALID);
    EXPECT_EQ(result(ZOO_G_REGISTER_NOT_JSON), HEARTH_ERR_INVALID);
    EXPECT_EQ(result(ZOO_G_REGISTER_GOOD), HEARTH_OK);
    EXPECT_EQ(result(ZOO_G_STATE_NOT_JSON), HEARTH_ERR_INVALID);
    EXPECT_EQ(result(ZOO_G_STATE_NOT_OBJECT), HEARTH_ERR_INVALID);
    EXPECT_EQ(result(ZOO_G_STATE_WRONG_TYPE), HEARTH_OK) << "valid JSON: accepted by the host, refused by the core";
    EXPECT_EQ(result(ZOO_G_STATE_GHOST_DEVICE), HEARTH_OK) << "accepted by the host, ignored by the core";
    EXPECT_EQ(result(ZOO_G_EVENT_NOT_JSON), HEARTH_ERR_INVALID);
    EXPECT_EQ(result(ZOO_G_COMMAND_RESULT_PENDING), HEARTH_ERR_INVALID);

    // Only the valid switch exists; nothing of the garbage reached the registry.
    EXPECT_TRUE(h.rec.added == (std::vector<std::string>{"good_switch", "garbage_switch"}) ||
                h.rec.added == (std::vector<std::string>{"garbage_switch", "good_switch"}));
    EXPECT_EQ(h.gw->registry().size(), 2u);
    EXPECT_EQ(h.gw->registry().find("zoo_ghost"), nullptr);
    const auto* dev = h.gw->registry().find("garbage_switch");
    ASSERT_NE(dev, nullptr);
    EXPECT_GE(dev->rejected_reports, 1u) << "{\"on\":\"yes\"} is counted as a rejected report";
    EXPECT_FALSE(dev->state.contains("on")) << dev->state.dump();

    auto st = h.status_of("garbage");
    EXPECT_EQ(to_string(st.state), "running");
    EXPECT_GE(st.errors, 3u) << "state not JSON, state not an object, event not JSON";
    EXPECT_TRUE(contains(st.last_error, "not a JSON object"));

    // Unknown status code from handle_command: an internal error with a clear message.
    const auto out = h.execute("garbage_switch", "turn_on");
    ASSERT_TRUE(out.has_value());
    EXPECT_FALSE(out->ok);
    EXPECT_EQ(out->status, HEARTH_ERR_INTERNAL);
    EXPECT_EQ(out->error, "driver returned an unknown status " + std::to_string(ZOO_GARBAGE_STATUS));
    st = h.status_of("garbage");
    EXPECT_EQ(st.last_error, out->error);
    EXPECT_EQ(to_string(st.state), "running") << "one failure is below max_failures";

    h.expect_good_neighbour_works();
}

// Same garbage, completed asynchronously: host->command_result(id, 42, ""). Should be treated like
// the synchronous case above (internal error, named unknown status, counted towards quarantine).
// DISABLED: core bug — host_services::command_result (src/plugin/inproc_driver.cpp) forwards any
// status except HEARTH_PENDING unchecked; today the outcome is {status 42, "error 42"} and nothing is
// counted. Enable once the proposed patch (normalise + record_error/record_success) is in.
TEST(zoo_runtime, garbage_status_via_command_result_is_normalised) {
    harness h;
    zoo::start_with_good_neighbour(h, {driver("zoo_garbage", "garbage")});
    ASSERT_TRUE(h.wait_online("garbage_switch"));
    const auto errors_before = h.status_of("garbage").errors;
    const auto out = h.execute("garbage_switch", "turn_off");
    ASSERT_TRUE(out.has_value());
    EXPECT_FALSE(out->ok);
    EXPECT_EQ(out->status, HEARTH_ERR_INTERNAL);
    EXPECT_EQ(out->error, "driver returned an unknown status " + std::to_string(ZOO_GARBAGE_STATUS));
    EXPECT_GT(h.status_of("garbage").errors, errors_before);
    h.expect_good_neighbour_works();
}

}  // namespace
