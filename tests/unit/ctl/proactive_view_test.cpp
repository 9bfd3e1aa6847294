// Unit tests of `hearthctl suggestions` and `hearthctl care` rendering: the suggestion table with
// confidence and the hint to accept or reject, an empty list said in words, the care status in
// sentences (alerting, last activity, threshold, what the model rests on), and hostile text from
// the daemon's answer never reaching the terminal as control characters.
#include "ctl/commands.hpp"

#include "../core/tz_guard.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace hearth::ctl {
namespace {

using json = nlohmann::json;

TEST(ProactiveView, SuggestionsAsATable) {
    hearth::test::tz_guard tz("UTC0");
    const json answer = {{"last_run", {{"at", 1'796'601'600'000}, {"from", 1'791'417'600'000}, {"records", 64664}}},
                         {"suggestions",
                          {{{"id", "r-0190a775f6"},
                            {"kind", "sequence"},
                            {"sentence", "Turn on Living light when the hall door unlatches: 19 of 21 times.\x1b[31m"},
                            {"evidence", {{"confidence", 0.905}}}}}}};
    std::ostringstream out;
    render_suggestions(answer, out, false);
    const std::string text = out.str();
    EXPECT_NE(text.find("mined 2026-12-07"), std::string::npos) << text;
    EXPECT_NE(text.find("64664 activity entries"), std::string::npos) << text;
    EXPECT_NE(text.find("r-0190a775f6"), std::string::npos) << text;
    EXPECT_NE(text.find("91%"), std::string::npos) << text;
    EXPECT_NE(text.find("hearthctl suggestions accept ID"), std::string::npos) << text;
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << "control characters reached the terminal";

    std::ostringstream none;
    render_suggestions({{"suggestions", json::array()}}, none, false);
    EXPECT_EQ(none.str(), "no suggestions on offer\n");
}

TEST(ProactiveView, CareStatusInSentences) {
    hearth::test::tz_guard tz("UTC0");
    const json status = {{"enabled", true},
                         {"alerting", true},
                         {"quiet", false},
                         {"last_activity", {{"device", "hall_motion"}, {"name", "on"}, {"ts", 1'796'601'600'000}}},
                         {"inactive_min", 251},
                         {"threshold_min", 240},
                         {"model", {{"basis", "learned"}, {"days_learned", 28}, {"floor_min", 180}}}};
    std::ostringstream out;
    render_care(status, out);
    EXPECT_EQ(out.str(),
              "care alert: enabled, ALERTING\n"
              "last activity: hall_motion on at 2026-12-07T00:00:00+00:00 (251 min ago)\n"
              "alert after: 240 min of inactivity at this hour of the week\n"
              "model: learned from 28 day(s) of activity; floor 180 min\n");

    std::ostringstream off;
    render_care({{"enabled", false}}, off);
    EXPECT_NE(off.str().find("disabled"), std::string::npos);
}

}  // namespace
}  // namespace hearth::ctl
