// Rule model text formats: durations, times of day, weekdays.
#include "rules/rule_model.hpp"

#include <gtest/gtest.h>

namespace hearth::rules {
namespace {

TEST(rule_model, durations) {
    EXPECT_EQ(parse_duration("30s"), 30'000);
    EXPECT_EQ(parse_duration("2m"), 120'000);
    EXPECT_EQ(parse_duration("1h30m"), 5'400'000);
    EXPECT_EQ(parse_duration("1d2h"), 93'600'000);
    EXPECT_EQ(parse_duration("250ms"), 250);
    EXPECT_EQ(parse_duration("1m500ms"), 60'500);
    EXPECT_EQ(parse_duration("-30m"), -1'800'000);
    for (const char* bad : {"", "30", "m", "1x", "30m1h", "1h1h", "-", "1.5h", " 1h"})
        EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(rule_model, times_of_day) {
    EXPECT_EQ(parse_time_of_day("00:00"), 0);
    EXPECT_EQ(parse_time_of_day("07:30"), 27'000);
    EXPECT_EQ(parse_time_of_day("23:59:59"), 86'399);
    for (const char* bad : {"24:00", "7:30", "07:60", "07:30:", "0730", "07:30:61"})
        EXPECT_FALSE(parse_time_of_day(bad)) << bad;
}

TEST(rule_model, weekdays) {
    EXPECT_EQ(parse_weekdays(nlohmann::json::array()), every_day);
    EXPECT_EQ(parse_weekdays({"sun", "sat"}), 0x41);
    EXPECT_FALSE(parse_weekdays({"monday"}));
}

}  // namespace
}  // namespace hearth::rules
