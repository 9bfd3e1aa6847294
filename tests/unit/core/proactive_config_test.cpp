// The `suggestions` and `care` sections of the main config (core/proactive_config.hpp): defaults,
// a full section read back, and precise errors for a bad time, an empty quiet period, an unknown
// key and a floor below the schema's minimum.
#include "core/config.hpp"

#include <gtest/gtest.h>

namespace {

hearth::checked<hearth::config> parse_proactive(const std::string& text) {
    return hearth::parse_config(text, "test.json", "/etc/hearth");
}

TEST(proactive_config, defaults_mine_daily_and_keep_care_off) {
    auto r = parse_proactive("{}");
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->suggestions.enabled);
    EXPECT_EQ(r->suggestions.days, 60);
    EXPECT_EQ(r->suggestions.mine_at_s, 3 * 3600 + 30 * 60);
    EXPECT_FALSE(r->care.enabled);
    EXPECT_EQ(r->care.min_gap_min, 180);
    EXPECT_FALSE(r->care.quiet_hours.has_value());
    EXPECT_EQ(r->database.activity_days, 90);
}

TEST(proactive_config, a_full_section_is_read) {
    auto r = parse_proactive(R"({
      "database": {"activity_days": 120},
      "suggestions": {"enabled": false, "days": 30, "mine_at": "04:15"},
      "care": {"enabled": true, "devices": ["hall_motion", "hall_lock"], "min_gap_min": 240,
               "quiet_hours": {"from": "23:00", "to": "06:30"}, "learn_days": 21, "scene": "care_check"}})");
    ASSERT_TRUE(r.has_value()) << r.error().at(0).to_string();
    EXPECT_EQ(r->database.activity_days, 120);
    EXPECT_FALSE(r->suggestions.enabled);
    EXPECT_EQ(r->suggestions.days, 30);
    EXPECT_EQ(r->suggestions.mine_at_s, 4 * 3600 + 15 * 60);
    EXPECT_TRUE(r->care.enabled);
    EXPECT_EQ(r->care.devices, (std::vector<std::string>{"hall_motion", "hall_lock"}));
    EXPECT_EQ(r->care.min_gap_min, 240);
    ASSERT_TRUE(r->care.quiet_hours.has_value());
    EXPECT_EQ(r->care.quiet_hours->first, 23 * 3600);
    EXPECT_EQ(r->care.quiet_hours->second, 6 * 3600 + 30 * 60);
    EXPECT_EQ(r->care.learn_days, 21);
    EXPECT_EQ(r->care.scene, "care_check");
    EXPECT_EQ(r->summary()["care"]["min_gap_min"], 240);
}

TEST(proactive_config, errors_name_the_field) {
    auto bad_time = parse_proactive(R"({"care": {"quiet_hours": {"from": "24:10", "to": "06:00"}}})");
    ASSERT_FALSE(bad_time.has_value());
    EXPECT_EQ(bad_time.error().at(0).to_string(),
              "test.json: /care/quiet_hours/from: not a local time HH:MM (00:00 to 23:59)");

    auto empty = parse_proactive(R"({"care": {"quiet_hours": {"from": "06:00", "to": "06:00"}}})");
    ASSERT_FALSE(empty.has_value());
    EXPECT_NE(empty.error().at(0).to_string().find("the quiet period is empty"), std::string::npos);

    auto unknown = parse_proactive(R"({"care": {"enable": true}})");
    ASSERT_FALSE(unknown.has_value());
    EXPECT_NE(unknown.error().at(0).to_string().find("/care/enable"), std::string::npos);

    auto low = parse_proactive(R"({"care": {"min_gap_min": 1}})");
    ASSERT_FALSE(low.has_value());
    EXPECT_NE(low.error().at(0).to_string().find("/care/min_gap_min"), std::string::npos);
}

TEST(proactive_config, time_of_day_parsing_is_strict) {
    EXPECT_EQ(hearth::parse_time_of_day("00:00"), 0);
    EXPECT_EQ(hearth::parse_time_of_day("23:59"), 23 * 3600 + 59 * 60);
    for (const char* bad : {"", "7:30", "07:3", "07-30", "24:00", "12:60", "ab:cd", "07:30 "}) {
        EXPECT_FALSE(hearth::parse_time_of_day(bad).has_value()) << bad;
    }
}

}  // namespace
