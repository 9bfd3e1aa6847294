// The values behind the Home Assistant energy and cost sensors (src/app/energy_sensors.cpp):
// today's and this month's kWh and cost per device from hand-made buckets and an injected `now`,
// zeros for a device that used nothing this month, the home meter's total, and the local
// ISO 8601 starts HA reads as last_reset.
#include "app/energy_sensors.hpp"
#include "core/config.hpp"

#include "tz_guard.hpp"

#include <gtest/gtest.h>

namespace hearth::energy_sensors_tests {
namespace {

constexpr std::int64_t h = 3'600'000;
constexpr std::int64_t mar_1 = 1'772'294'400'000;  // 2026-03-01 00:00 at UTC+8
constexpr std::int64_t mar_16 = mar_1 + 15 * 24 * h;

energy_config flat() {
    auto r = parse_config(
        R"({"energy": {"currency": "CNY", "home_meter": "main", "tariffs": [{"from": "2026-01-01", "type": "flat", "price": 0.5}]}})",
        "t.json", "/");
    EXPECT_TRUE(r.has_value());
    return r.has_value() ? r->energy : energy_config{};
}

energy_bucket b(const std::string& dev, std::int64_t ts, double kwh) { return {dev, ts, h, kwh, energy_source::meter}; }

TEST(energy_sensors, today_and_this_month_per_device) {
    hearth::test::tz_guard tz("CST-8");
    const std::int64_t now = mar_16 + 10 * h + 123;
    const auto states = energy_sensor_states(
        flat(),
        {b("plug", mar_1 + 9 * h, 2.0), b("plug", mar_16 + 9 * h, 1.0), b("plug", mar_16 + 10 * h, 0.1234),
         b("old", mar_1 - 5 * 24 * h, 4.0), b("main", mar_16 + 9 * h, 5.0)},
        now);
    ASSERT_EQ(states.size(), 3u);
    const auto& plug = states.at("plug");
    EXPECT_EQ(plug["today_kwh"], 1.123);  // rounded to Wh
    EXPECT_EQ(plug["month_kwh"], 3.123);
    EXPECT_EQ(plug["today_cost"], 0.5617);
    EXPECT_EQ(plug["month_cost"], 1.5617);
    EXPECT_EQ(plug["today_start"], "2026-03-16T00:00:00+08:00");
    EXPECT_EQ(plug["month_start"], "2026-03-01T00:00:00+08:00");
    EXPECT_EQ(plug["ts"], now);
    const auto& old = states.at("old");  // used nothing this month: zeros, not missing
    EXPECT_EQ(old["month_kwh"], 0.0);
    EXPECT_EQ(old["today_cost"], 0.0);
    const auto& main = states.at("main");  // the home meter: the home's total
    EXPECT_EQ(main["today_kwh"], 5.0);
    EXPECT_EQ(main["month_cost"], 2.5);
}

TEST(energy_sensors, iso8601_offsets) {
    {
        hearth::test::tz_guard tz("CST-8");
        EXPECT_EQ(local_iso8601(mar_1), "2026-03-01T00:00:00+08:00");
    }
    {
        hearth::test::tz_guard tz("NST+3:30");
        EXPECT_EQ(local_iso8601(mar_1), "2026-02-28T12:30:00-03:30");
    }
}

}  // namespace
}  // namespace hearth::energy_sensors_tests
