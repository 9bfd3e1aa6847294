// Standby and anomaly findings (src/app/energy_findings.cpp) from hand-made hourly buckets and an
// injected `now`: each rule's edges (below, exactly at and above a threshold; too few nights or
// weeks of history; gaps; nights that have not ended; a night across midnight), the yearly cost
// under flat and tiered tariffs, the answer and event texts, and the `energy.findings` config checks.
#include "app/energy_findings.hpp"
#include "core/config.hpp"

#include "tz_guard.hpp"

#include <gtest/gtest.h>

namespace hearth::energy_findings_tests {
namespace {

using json = nlohmann::json;
constexpr std::int64_t h = 3'600'000;
constexpr std::int64_t day = 24 * h;
constexpr std::int64_t week = 7 * day;
constexpr std::int64_t mar_1 = 1'772'294'400'000;  // Sunday 2026-03-01 00:00 at UTC+8
constexpr std::int64_t mar_16 = mar_1 + 15 * day;  // Monday
constexpr std::int64_t now_ts = mar_16 + 10 * h;   // 10:00: last night (01:00-05:00) has ended

energy_config config(const std::string& extra = "",
                     const std::string& tariff = R"({"from": "2026-01-01", "type": "flat", "price": 0.5})") {
    auto r =
        parse_config(R"({"energy": {"currency": "CNY", "tariffs": [)" + tariff + "]" + extra + "}}", "t.json", "/");
    EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error().at(0).to_string());
    return r.has_value() ? r->energy : energy_config{};
}

energy_bucket b(const std::string& dev, std::int64_t ts, double kwh, std::int64_t span = h) {
    return {dev, ts, span, kwh, energy_source::power};
}

/// `watts` in every hour 01:00-05:00 of the nights ending on the days mar_16 - k days, k in `ks`.
void nights(std::vector<energy_bucket>& into, const std::string& dev, double watts, std::initializer_list<int> ks) {
    for (int k : ks) {
        for (int hour = 1; hour < 5; ++hour) into.push_back(b(dev, mar_16 - k * day + hour * h, watts / 1000.0));
    }
}

TEST(energy_findings, standby_all_night_gives_yearly_kwh_and_cost) {
    hearth::test::tz_guard tz("CST-8");
    std::vector<energy_bucket> buckets;
    nights(buckets, "tv_box", 9.0, {0, 1, 2, 3, 4, 5, 6});
    const auto f = find_energy_findings(config(), buckets, now_ts);
    ASSERT_EQ(f.standby.size(), 1u);
    EXPECT_EQ(f.standby[0].device, "tv_box");
    EXPECT_NEAR(f.standby[0].watts, 9.0, 1e-9);
    EXPECT_EQ(f.standby[0].nights, 7);
    EXPECT_NEAR(f.standby[0].yearly_kwh, 78.84, 1e-9);
    EXPECT_NEAR(f.standby[0].yearly_cost, 78.84 * 0.5, 1e-6);  // flat 0.5 all year
    EXPECT_TRUE(f.anomalies.empty());
    const json ev = finding_event(f.standby[0], config(), now_ts);
    EXPECT_EQ(ev["type"], "energy_standby");
    EXPECT_EQ(ev["message"], "tv_box: 9.0 W all night on 7 of 7 nights, ~79 kWh/year, ~39 CNY/year");
    EXPECT_EQ(finding_key(f.standby[0]), "standby:tv_box");
}

TEST(energy_findings, standby_threshold_edges) {
    hearth::test::tz_guard tz("CST-8");
    std::vector<energy_bucket> buckets;
    nights(buckets, "below", 2.9, {0, 1, 2, 3, 4, 5, 6});
    nights(buckets, "at", 3.0, {0, 1, 2, 3, 4, 5, 6});       // exactly the threshold: standby
    nights(buckets, "load", 30.5, {0, 1, 2, 3, 4, 5, 6});    // above standby_max_w: a load
    nights(buckets, "at_max", 30.0, {0, 1, 2, 3, 4, 5, 6});  // exactly standby_max_w: standby
    const auto f = find_energy_findings(config(), buckets, now_ts);
    ASSERT_EQ(f.standby.size(), 2u);
    EXPECT_EQ(f.standby[0].device, "at");
    EXPECT_EQ(f.standby[1].device, "at_max");
}

TEST(energy_findings, standby_needs_min_nights_and_a_night_with_a_gap_does_not_count) {
    hearth::test::tz_guard tz("CST-8");
    std::vector<energy_bucket> buckets;
    nights(buckets, "four", 5.0, {0, 1, 2, 3});  // 4 of 7 < min_nights 5
    nights(buckets, "five", 5.0, {0, 2, 4, 5, 6});
    nights(buckets, "gap", 5.0, {0, 1, 2, 3});                     // with night 4 whole it would be 5
    buckets.push_back(b("gap", mar_16 - 4 * day + 1 * h, 0.005));  // night 4 lacks 02:00-05:00
    nights(buckets, "old", 5.0, {7, 8, 9, 10, 11});                // before the 7 nights looked at
    const auto f = find_energy_findings(config(), buckets, now_ts);
    ASSERT_EQ(f.standby.size(), 1u);
    EXPECT_EQ(f.standby[0].device, "five");
    EXPECT_EQ(f.standby[0].nights, 5);
}

TEST(energy_findings, standby_night_must_be_steady_and_level_is_the_median) {
    hearth::test::tz_guard tz("CST-8");
    std::vector<energy_bucket> buckets;
    nights(buckets, "steady", 8.0, {0, 1, 2});
    nights(buckets, "steady", 10.0, {3, 4});
    nights(buckets, "steady", 12.0, {5, 6});
    for (int k = 0; k < 7; ++k) {  // 3, 3, 10, 3 W: spread 7 W > max(25 % of 4.75 W, 1 W)
        for (int hour = 1; hour < 5; ++hour) {
            buckets.push_back(b("jumpy", mar_16 - k * day + hour * h, (hour == 3 ? 10.0 : 3.0) / 1000.0));
        }
    }
    for (int k = 0; k < 7; ++k) {  // 3, 4, 3, 4 W: spread 1 W is allowed
        for (int hour = 1; hour < 5; ++hour) {
            buckets.push_back(b("small_wobble", mar_16 - k * day + hour * h, (hour % 2 == 0 ? 4.0 : 3.0) / 1000.0));
        }
    }
    const auto f = find_energy_findings(config(), buckets, now_ts);
    ASSERT_EQ(f.standby.size(), 2u);
    EXPECT_EQ(f.standby[0].device, "small_wobble");
    EXPECT_NEAR(f.standby[0].watts, 3.5, 1e-9);
    EXPECT_EQ(f.standby[1].device, "steady");
    EXPECT_NEAR(f.standby[1].watts, 10.0, 1e-9);
}

TEST(energy_findings, a_night_that_has_not_ended_is_not_looked_at) {
    hearth::test::tz_guard tz("CST-8");
    std::vector<energy_bucket> buckets;
    nights(buckets, "tv_box", 9.0, {1, 2, 3, 4, 5, 6, 7});
    buckets.push_back(b("tv_box", mar_16 + 1 * h, 0.009));  // tonight so far (now 03:00)
    buckets.push_back(b("tv_box", mar_16 + 2 * h, 0.009));
    const auto cfg = config(R"(, "findings": {"min_nights": 7})");
    EXPECT_EQ(find_energy_findings(cfg, buckets, mar_16 + 3 * h).standby.size(), 1u);
    // At 05:00 the night of the 16th has ended and has two hours missing: 6 of 7 nights.
    EXPECT_TRUE(find_energy_findings(cfg, buckets, mar_16 + 5 * h).standby.empty());
}

TEST(energy_findings, a_night_across_midnight) {
    hearth::test::tz_guard tz("CST-8");
    std::vector<energy_bucket> buckets;
    nights(buckets, "short", 6.0, {0, 1, 2, 3, 4, 5, 6});  // 01:00-05:00 only: 23:00 and 00:00 missing
    for (int k = 0; k < 7; ++k) {
        for (int hour = -1; hour < 5; ++hour) buckets.push_back(b("full", mar_16 - k * day + hour * h, 0.006));
    }
    const auto f =
        find_energy_findings(config(R"(, "findings": {"night_start": 23, "night_end": 5})"), buckets, now_ts);
    ASSERT_EQ(f.standby.size(), 1u);
    EXPECT_EQ(f.standby[0].device, "full");
}

TEST(energy_findings, yearly_cost_uses_the_tiered_block_the_month_reached) {
    hearth::test::tz_guard tz("CST-8");
    std::vector<energy_bucket> buckets;
    nights(buckets, "tv_box", 10.0, {0, 1, 2, 3, 4, 5, 6});
    buckets.push_back(b("ev_charger", mar_1 + 12 * h, 250.0));  // this month: past the 200 kWh block
    const auto f = find_energy_findings(
        config(
            "",
            R"({"from": "2026-01-01", "type": "tiered", "blocks": [{"up_to_kwh": 200, "price": 0.5}, {"price": 0.8}]})"),
        buckets, now_ts);
    ASSERT_EQ(f.standby.size(), 1u);
    EXPECT_NEAR(f.standby[0].yearly_cost, 87.6 * 0.8, 1e-6);
}

TEST(energy_findings, the_home_meter_and_daily_buckets_are_not_devices) {
    hearth::test::tz_guard tz("CST-8");
    std::vector<energy_bucket> buckets;
    nights(buckets, "main", 5.0, {0, 1, 2, 3, 4, 5, 6});  // the home's base load: not a device's standby
    // Daily rows (past the hourly retention) are not hours: no anomaly from them.
    for (int k = 1; k <= 8; ++k) buckets.push_back(b("old_meter", now_ts - 2 * h - k * week, 0.1, day));
    buckets.push_back(b("old_meter", now_ts - 2 * h, 10.0, day));
    const auto f = find_energy_findings(config(R"(, "home_meter": "main")"), buckets, now_ts);
    EXPECT_TRUE(f.standby.empty());
    EXPECT_TRUE(f.anomalies.empty());
}

/// An hour two hours before now, with `usual` in the same hour of the `weeks` weeks before.
std::vector<energy_bucket> week_history(const std::string& dev, double usual, int weeks, double now_kwh) {
    const std::int64_t hour = now_ts - 2 * h;
    std::vector<energy_bucket> out;
    for (int k = 1; k <= weeks; ++k) out.push_back(b(dev, hour - k * week, usual));
    out.push_back(b(dev, hour, now_kwh));
    return out;
}

std::vector<std::string> anomalous(const std::vector<energy_bucket>& buckets) {
    std::vector<std::string> out;
    for (const auto& a : find_energy_findings(config(), buckets, now_ts).anomalies) out.push_back(a.device);
    return out;
}

TEST(energy_findings, anomaly_factor_and_floor_edges) {
    hearth::test::tz_guard tz("CST-8");
    std::vector<energy_bucket> all;
    auto add = [&](const std::vector<energy_bucket>& v) { all.insert(all.end(), v.begin(), v.end()); };
    add(week_history("factor_at", 0.2, 8, 0.6));      // bound max(3 × 0.2, 0.2 + 0.2) = 0.6: not above
    add(week_history("factor_above", 0.2, 8, 0.61));  // above
    add(week_history("floor_at", 0.05, 8, 0.25));     // bound max(0.15, 0.25) = 0.25: not above
    add(week_history("floor_above", 0.05, 8, 0.26));  // above
    add(week_history("usual", 0.2, 8, 0.3));
    EXPECT_EQ(anomalous(all), (std::vector<std::string>{"factor_above", "floor_above"}));
    const auto f = find_energy_findings(config(), all, now_ts);
    ASSERT_EQ(f.anomalies.size(), 2u);
    EXPECT_EQ(f.anomalies[0].hour, now_ts - 2 * h);
    EXPECT_NEAR(f.anomalies[0].usual_kwh, 0.2, 1e-12);
    EXPECT_EQ(f.anomalies[0].weeks, 8);
    EXPECT_EQ(finding_key(f.anomalies[0]), "anomaly:factor_above:" + std::to_string(now_ts - 2 * h));
    const json ev = finding_event(f.anomalies[0], now_ts);
    EXPECT_EQ(ev["type"], "energy_anomaly");
    EXPECT_EQ(ev["message"], "factor_above: 0.61 kWh in one hour, usually 0.20 kWh at that hour of the week");
}

TEST(energy_findings, anomaly_needs_enough_history) {
    hearth::test::tz_guard tz("CST-8");
    std::vector<energy_bucket> all = week_history("three_weeks", 0.1, 3, 10.0);
    const auto four = week_history("four_weeks", 0.1, 4, 10.0);  // exactly anomaly_min_weeks
    all.insert(all.end(), four.begin(), four.end());
    EXPECT_EQ(anomalous(all), (std::vector<std::string>{"four_weeks"}));
}

TEST(energy_findings, anomaly_gaps_in_the_history_count_as_nothing_used) {
    hearth::test::tz_guard tz("CST-8");
    const std::int64_t hour = now_ts - 2 * h;
    // History starts 8 weeks back (1.0 kWh); weeks 1-7 have no bucket at that hour: usual = 0.
    std::vector<energy_bucket> all = {b("heater", hour - 8 * week, 1.0), b("heater", hour, 0.21)};
    const auto f = find_energy_findings(config(), all, now_ts);
    ASSERT_EQ(f.anomalies.size(), 1u);
    EXPECT_NEAR(f.anomalies[0].usual_kwh, 0.0, 1e-12);
    EXPECT_TRUE(findings_json(f, config(), now_ts, "")["anomalies"][0]["ratio"].is_null());
    all.back().kwh = 0.2;  // exactly usual + floor: not above
    EXPECT_TRUE(find_energy_findings(config(), all, now_ts).anomalies.empty());
}

TEST(energy_findings, anomalies_only_in_the_last_day_and_complete_hours) {
    hearth::test::tz_guard tz("CST-8");
    std::vector<energy_bucket> all;
    for (std::int64_t hour : {now_ts - 25 * h, now_ts - 24 * h, now_ts - h}) {
        for (int k = 1; k <= 8; ++k) all.push_back(b("d" + std::to_string((now_ts - hour) / h), hour - k * week, 0.1));
        all.push_back(b("d" + std::to_string((now_ts - hour) / h), hour, 5.0));
    }
    // now_ts is on the hour: the hour starting at now_ts - 24 h is the oldest looked at.
    EXPECT_EQ(anomalous(all), (std::vector<std::string>{"d1", "d24"}));
}

TEST(energy_findings, answer_narrows_to_one_device) {
    hearth::test::tz_guard tz("CST-8");
    std::vector<energy_bucket> buckets;
    nights(buckets, "a", 5.0, {0, 1, 2, 3, 4, 5, 6});
    nights(buckets, "b", 5.0, {0, 1, 2, 3, 4, 5, 6});
    const auto cfg = config();
    const auto f = find_energy_findings(cfg, buckets, now_ts);
    const json all = findings_json(f, cfg, now_ts, "");
    EXPECT_EQ(all["standby"].size(), 2u);
    EXPECT_EQ(all["currency"], "CNY");
    EXPECT_EQ(all["rules"]["night_start"], 1);
    EXPECT_EQ(all["standby"][0]["of_nights"], 7);
    const json one = findings_json(f, cfg, now_ts, "b");
    ASSERT_EQ(one["standby"].size(), 1u);
    EXPECT_EQ(one["standby"][0]["device"], "b");
}

TEST(energy_findings, fetch_covers_nights_weeks_and_the_month) {
    hearth::test::tz_guard tz("CST-8");
    const findings_config r;
    const auto from = findings_fetch_from(r, now_ts);
    EXPECT_LE(from, now_ts - 2 * h - 8 * week);
    EXPECT_LE(from, mar_16 - 7 * day);
    EXPECT_LE(from, mar_1);
}

TEST(energy_findings, config_errors_are_located) {
    auto bad = [](const std::string& findings) {
        auto r = parse_config(R"({"energy": {"findings": )" + findings + "}}", "hearth.json", "/");
        return r.has_value() ? std::string() : r.error().at(0).to_string();
    };
    EXPECT_EQ(bad(R"({"nights": 3})"),
              "hearth.json: /energy/findings/min_nights: must not be more than \"nights\" (3)");
    EXPECT_EQ(bad(R"({"anomaly_weeks": 2})"),
              "hearth.json: /energy/findings/anomaly_min_weeks: must not be more than \"anomaly_weeks\" (2)");
    EXPECT_EQ(bad(R"({"night_start": 5, "night_end": 5})"),
              "hearth.json: /energy/findings/night_end: the night must not be empty");
    EXPECT_EQ(bad(R"({"night_start": 0, "night_end": 24})"), "");
    EXPECT_EQ(bad(R"({"standby_w": 40})"),
              "hearth.json: /energy/findings/standby_max_w: must not be below \"standby_w\"");
    EXPECT_NE(bad(R"({"nights": 0})"), "");
    EXPECT_NE(bad(R"({"surprise": 1})"), "");
}

}  // namespace
}  // namespace hearth::energy_findings_tests
