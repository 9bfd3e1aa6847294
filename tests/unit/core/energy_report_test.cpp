// The `energy` answer (src/app/energy_report.cpp) from hand-made buckets: cost per bucket with the
// tariff in force (a change applies from its date only), time-of-use slots, tiered blocks counting
// the month-to-date consumption before the range, share, unmeasured with a whole-home meter, the
// previous period and its change, series grouping and unpriced consumption.
#include "app/energy_report.hpp"
#include "core/config.hpp"

#include "tz_guard.hpp"

#include <gtest/gtest.h>

namespace hearth::energy_report_tests {
namespace {

constexpr std::int64_t h = 3'600'000;
constexpr std::int64_t sun_mar_1 = 1'772'294'400'000;  // local (UTC+8) midnights
constexpr std::int64_t mon_mar_2 = 1'772'380'800'000;
constexpr std::int64_t jun_1 = 1'780'243'200'000;
constexpr std::int64_t jun_9 = 1'780'934'400'000;
constexpr std::int64_t jun_10 = 1'781'020'800'000;
constexpr std::int64_t dec_31_2025 = 1'767'110'400'000;

energy_config tariffs(const std::string& home_meter) {
    auto r = parse_config(R"({"energy": {"currency": "CNY", )" +
                              (home_meter.empty() ? "" : R"("home_meter": ")" + home_meter + R"(", )") + R"("tariffs": [
      {"from": "2026-01-01", "type": "flat", "price": 1.0},
      {"from": "2026-03-01", "type": "time_of_use", "periods": {"peak": 0.98, "flat": 0.62, "valley": 0.31},
       "schedules": [{"weekdays": ["sat", "sun"], "slots": [{"start": "00:00", "period": "valley"}]},
                     {"slots": [{"start": "00:00", "period": "valley"}, {"start": "08:00", "period": "flat"},
                                {"start": "18:00", "period": "peak"}, {"start": "22:00", "period": "valley"}]}]},
      {"from": "2026-06-01", "type": "tiered", "blocks": [{"up_to_kwh": 200, "price": 0.5}, {"price": 0.55}]}]}})",
                          "t.json", "/");
    EXPECT_TRUE(r.has_value()) << r.error().at(0).to_string();
    return r->energy;
}

energy_bucket b(const std::string& dev, std::int64_t ts, double kwh, energy_source src = energy_source::meter) {
    return {dev, ts, h, kwh, src};
}

const nlohmann::json& row(const nlohmann::json& report, const std::string& dev) {
    for (const auto& r : report["devices"])
        if (r["device"] == dev) return r;
    static const nlohmann::json none;
    return none;
}

TEST(energy_report, time_of_use_share_unmeasured_and_previous_period) {
    hearth::test::tz_guard tz("CST-8");
    energy_query q{"", energy_grouping::hour, mon_mar_2, mon_mar_2 + 24 * h};
    auto r = energy_report(q, tariffs("main"),
                           {b("washer", mon_mar_2 + 9 * h, 1.0), b("main", mon_mar_2 + 9 * h, 2.0),
                            b("tv", mon_mar_2 + 19 * h, 0.5, energy_source::power), b("main", mon_mar_2 + 19 * h, 0.5),
                            b("washer", sun_mar_1 + 10 * h, 2.0), b("main", sun_mar_1 + 10 * h, 2.0)});
    EXPECT_EQ(r["currency"], "CNY");
    EXPECT_NEAR(r["total"]["kwh"].get<double>(), 2.5, 1e-12);
    EXPECT_NEAR(r["total"]["cost"].get<double>(), 2 * 0.62 + 0.5 * 0.98, 1e-12);
    const auto& washer = row(r, "washer");
    EXPECT_NEAR(washer["cost"].get<double>(), 0.62, 1e-12);
    EXPECT_NEAR(washer["share"].get<double>(), 0.4, 1e-12);
    EXPECT_NEAR(washer["previous"]["kwh"].get<double>(), 2.0, 1e-12);
    EXPECT_NEAR(washer["previous"]["cost"].get<double>(), 2 * 0.31, 1e-12);  // Sunday: valley
    EXPECT_NEAR(washer["change"].get<double>(), -0.5, 1e-12);
    EXPECT_EQ(row(r, "tv")["source"], "power");
    EXPECT_NEAR(row(r, "tv")["cost"].get<double>(), 0.49, 1e-12);
    EXPECT_TRUE(row(r, "main").is_null());  // the home meter is not a device row
    EXPECT_NEAR(r["unmeasured"]["kwh"].get<double>(), 1.0, 1e-12);
    EXPECT_NEAR(r["unmeasured"]["cost"].get<double>(), 0.62, 1e-12);
    EXPECT_NEAR(r["change"].get<double>(), 0.25, 1e-12);
    ASSERT_EQ(r["series"].size(), 2u);
    EXPECT_EQ(r["series"][0]["ts"], mon_mar_2 + 9 * h);
    EXPECT_NEAR(r["series"][0]["kwh"].get<double>(), 2.0, 1e-12);  // the home meter's hour
    EXPECT_EQ(r["devices"][0]["device"], "washer");                // largest first
}

TEST(energy_report, one_device_series_by_day_and_the_tariff_change_date) {
    hearth::test::tz_guard tz("CST-8");
    // Feb 28 is flat 1.0, Mar 1 (Sunday) time-of-use valley 0.31: the change applies from its date.
    energy_query q{"washer", energy_grouping::day, sun_mar_1 - 24 * h, sun_mar_1 + 24 * h};
    auto r = energy_report(
        q, tariffs(""),
        {b("washer", sun_mar_1 - 2 * h, 1.0), b("washer", sun_mar_1 + 2 * h, 1.0), b("tv", sun_mar_1 + 2 * h, 3.0)});
    ASSERT_EQ(r["devices"].size(), 1u);
    EXPECT_NEAR(r["devices"][0]["cost"].get<double>(), 1.0 + 0.31, 1e-12);
    EXPECT_NEAR(r["devices"][0]["share"].get<double>(), 2.0 / 5.0, 1e-12);
    ASSERT_EQ(r["series"].size(), 2u);
    EXPECT_EQ(r["series"][0]["ts"], sun_mar_1 - 24 * h);
    EXPECT_EQ(r["series"][1]["ts"], sun_mar_1);
    EXPECT_NEAR(r["series"][1]["kwh"].get<double>(), 1.0, 1e-12);
    EXPECT_FALSE(r.contains("unmeasured"));
}

TEST(energy_report, tiered_blocks_count_the_month_before_the_range) {
    hearth::test::tz_guard tz("CST-8");
    energy_query q{"", energy_grouping::month, jun_10, jun_10 + 24 * h};
    EXPECT_EQ(energy_fetch_from(q), jun_1);
    auto r = energy_report(
        q, tariffs(""),
        {b("heater", jun_1 + 5 * h, 195.0), b("heater", jun_9 + 12 * h, 10.0), b("heater", jun_10 + 12 * h, 10.0)});
    EXPECT_NEAR(r["previous"]["cost"].get<double>(), 5 * 0.5 + 5 * 0.55, 1e-9);
    EXPECT_NEAR(r["total"]["cost"].get<double>(), 10 * 0.55, 1e-9);
    ASSERT_EQ(r["series"].size(), 1u);
    EXPECT_EQ(r["series"][0]["ts"], jun_1);
}

TEST(energy_report, consumption_before_the_first_tariff_is_unpriced) {
    hearth::test::tz_guard tz("CST-8");
    energy_query q{"", energy_grouping::day, dec_31_2025, dec_31_2025 + 48 * h};
    auto r = energy_report(q, tariffs(""), {b("tv", dec_31_2025 + h, 2.0), b("tv", dec_31_2025 + 25 * h, 1.0)});
    EXPECT_NEAR(r["unpriced_kwh"].get<double>(), 2.0, 1e-12);
    EXPECT_NEAR(r["total"]["cost"].get<double>(), 1.0, 1e-12);
}

}  // namespace
}  // namespace hearth::energy_report_tests
