// Time arithmetic: local times, weekdays, DST, and sunrise/sunset against published values.
#include "engine_fixture.hpp"

#include "rules/time_calc.hpp"

namespace hearth::rules::testing {
namespace {

constexpr const char* berlin = "CET-1CEST,M3.5.0,M10.5.0/3";

/// Minutes after local midnight of `t`.
double local_minutes(time_ms t) { return local_seconds_of_day(t) / 60.0; }

TEST(time_calc, next_time_of_day_and_weekdays) {
    scoped_tz tz("UTC0");
    EXPECT_EQ(next_time_of_day(t0, 7 * 3600, every_day), t0 + 7 * hour);
    EXPECT_EQ(next_time_of_day(t0 + 7 * hour, 7 * 3600, every_day), t0 + 31 * hour);  // strictly after
    const weekday_mask saturday = 1u << 6;
    EXPECT_EQ(next_time_of_day(t0, 0, saturday), t0 + 5 * 24 * hour);  // 2024-01-01 is a Monday
    EXPECT_EQ(local_weekday(t0), 1);
    EXPECT_FALSE(next_time_of_day(t0, 0, 0));
}

TEST(time_calc, local_time_follows_the_process_time_zone_across_dst) {
    scoped_tz tz(berlin);
    // 2024-03-31: clocks spring forward at 02:00 -> 03:00. 07:30 local is 05:30 UTC that day.
    const time_ms mar31 = 1'711'843'200'000;  // 2024-03-31T00:00Z
    EXPECT_EQ(next_time_of_day(mar31, 7 * 3600 + 1800, every_day), mar31 + 5 * hour + 30 * minute);
    // The day before it is 06:30 UTC.
    EXPECT_EQ(next_time_of_day(mar31 - 24 * hour, 7 * 3600 + 1800, every_day),
              mar31 - 24 * hour + 6 * hour + 30 * minute);
}

TEST(time_calc, sunrise_and_sunset_in_berlin_at_midsummer) {
    // Published (timeanddate.com / NOAA): Berlin 2024-06-21 sunrise 04:43, sunset 21:33 CEST.
    scoped_tz tz(berlin);
    const auto s = sun_on({2024, 6, 21}, 52.52, 13.405);
    ASSERT_TRUE(s.sunrise && s.sunset);
    EXPECT_NEAR(local_minutes(*s.sunrise), 4 * 60 + 43, 2.0);
    EXPECT_NEAR(local_minutes(*s.sunset), 21 * 60 + 33, 2.0);
}

TEST(time_calc, sunrise_and_sunset_in_new_york_in_winter) {
    // Published: New York 2024-12-21 sunrise 07:17, sunset 16:32 EST.
    scoped_tz tz("EST5EDT,M3.2.0,M11.1.0");
    const auto s = sun_on({2024, 12, 21}, 40.7128, -74.0060);
    ASSERT_TRUE(s.sunrise && s.sunset);
    EXPECT_NEAR(local_minutes(*s.sunrise), 7 * 60 + 17, 2.0);
    EXPECT_NEAR(local_minutes(*s.sunset), 16 * 60 + 32, 2.0);
}

TEST(time_calc, polar_day_has_no_sunset) {
    scoped_tz tz("UTC0");
    const auto s = sun_on({2024, 6, 21}, 78.22, 15.65);  // Longyearbyen
    EXPECT_FALSE(s.sunrise);
    EXPECT_FALSE(s.sunset);
    // The next sunset is found weeks later.
    const auto next = next_sun_event(1'718'928'000'000, false, 0, every_day, 78.22, 15.65);
    ASSERT_TRUE(next);
    EXPECT_GT(*next, 1'718'928'000'000 + 30 * 24 * hour);
}

}  // namespace
}  // namespace hearth::rules::testing
