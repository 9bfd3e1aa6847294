// Unit tests of hearthctl's step-by-step trace view (src/ctl/trace_view.hpp).
#include "ctl/trace_view.hpp"

#include <gtest/gtest.h>

namespace hearth::ctl {
namespace {

using json = nlohmann::json;

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

TEST(TraceView, ShowsRunIdTriggerConditionsAndActionsStepByStep) {
    const std::int64_t t0 = 1'700'000'000'000;
    const json trace = {{"rule", "arrive_home"},
                        {"run", "arrive_home-1700000000000-3"},
                        {"started", t0},
                        {"trigger",
                         {{"index", 1},
                          {"type", "state"},
                          {"device", "hall_lock"},
                          {"property", "lock_state"},
                          {"from", "locked"},
                          {"to", "unlatched"}}},
                        {"conditions",
                         {{{"index", 0},
                           {"type", "numeric"},
                           {"device", "sensor"},
                           {"property", "value"},
                           {"value", 27.5},
                           {"result", true}},
                          {{"index", 1},
                           {"type", "any_of"},
                           {"result", false},
                           {"conditions", {{{"type", "weekday"}, {"result", false}}}}}}},
                        {"actions",
                         {{{"index", 0},
                           {"type", "command"},
                           {"device", "robot_vacuum"},
                           {"command", "return_to_dock"},
                           {"ts", t0},
                           {"result", "error"},
                           {"error", "robot_vacuum: offline"}},
                          {{"index", 1}, {"type", "scene"}, {"scene", "welcome"}, {"ts", t0 + 2000}, {"result", "ok"}},
                          {{"index", 2}, {"type", "delay"}, {"until", t0 + 600000}, {"ts", t0 + 2000}}}},
                        {"result", "running"}};
    const std::string text = render_trace(trace, t0 + 5000);
    EXPECT_TRUE(has(text, "run arrive_home-1700000000000-3")) << text;
    EXPECT_FALSE(has(text, "run -")) << text;
    EXPECT_TRUE(has(text, "result: running")) << text;
    EXPECT_TRUE(has(text, "(5s ago)")) << text;
    EXPECT_TRUE(has(text, "trigger: state hall_lock.lock_state from locked to unlatched")) << text;
    EXPECT_TRUE(has(text, "[pass] numeric sensor.value is 27.5")) << text;
    EXPECT_TRUE(has(text, "[FAIL] any_of")) << text;
    EXPECT_TRUE(has(text, "      [FAIL] weekday")) << text;  // nested, indented
    EXPECT_TRUE(has(text, "0. command robot_vacuum return_to_dock  -> error")) << text;
    EXPECT_TRUE(has(text, "error: robot_vacuum: offline")) << text;
    EXPECT_TRUE(has(text, "1. scene welcome  -> ok  (at +2s)")) << text;
    EXPECT_TRUE(has(text, "2. delay until ")) << text;
    EXPECT_TRUE(has(text, "-> in progress")) << text;
    EXPECT_FALSE(has(text, "{")) << "no raw JSON: " << text;
}

TEST(TraceView, SurvivesTracesOfAnyShape) {
    for (const json& t : {json(), json::array(), json("x"), json({{"run", 5}, {"trigger", "manual"}}),
                          json({{"actions", "x"}, {"conditions", {1, 2}}, {"started", "yesterday"}}),
                          json({{"run", "r\x1b[31m"}, {"actions", {{{"index", "a"}}}}})}) {
        const std::string text = render_trace(t, 0);
        EXPECT_TRUE(has(text, "run ")) << text;
        EXPECT_FALSE(has(text, "\x1b")) << "control characters are sanitized";
    }
}

}  // namespace
}  // namespace hearth::ctl
