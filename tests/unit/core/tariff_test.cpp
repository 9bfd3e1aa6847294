// Tariffs in the main config (docs/energy.md): each kind parses, every semantic mistake is a
// located error naming the pointer, and prices/costs follow slots, seasons, weekdays, monthly
// blocks and start dates. Runs in TZ=CST-8 (UTC+8, no DST; a POSIX zone, no tzdata needed) for fixed local times.
#include "core/config.hpp"

#include "tz_guard.hpp"

#include <gtest/gtest.h>

namespace hearth::tariff_tests {
namespace {

constexpr std::int64_t h = 3'600'000;
// 2026-03-02 00:00 in Shanghai (a Monday) = 2026-03-01T16:00Z.
constexpr std::int64_t mon_mar_2 = 1'772'380'800'000;

checked<config> parse(const std::string& energy) {
    return parse_config(R"({"energy": )" + energy + "}", "test.json", "/etc/hearth");
}

std::string first_error(const checked<config>& r) {
    return r ? std::string("(no error)") : r.error().at(0).to_string();
}

const char* k_tou = R"({"currency": "CNY", "tariffs": [
  {"from": "2026-01-01", "type": "flat", "price": 0.5},
  {"from": "2026-03-01", "type": "time_of_use",
   "periods": {"peak": 0.98, "flat": 0.62, "valley": 0.31},
   "schedules": [
     {"months": [7, 8], "slots": [{"start": "00:00", "period": "valley"}, {"start": "10:00", "period": "peak"},
                                  {"start": "22:00", "period": "valley"}]},
     {"weekdays": ["sat", "sun"], "slots": [{"start": "00:00", "period": "valley"}]},
     {"slots": [{"start": "00:00", "period": "valley"}, {"start": "08:00", "period": "flat"},
                {"start": "18:00", "period": "peak"}, {"start": "21:30", "period": "flat"},
                {"start": "23:00", "period": "valley"}]}]},
  {"from": "2026-06-01", "type": "tiered",
   "blocks": [{"up_to_kwh": 200, "price": 0.5}, {"up_to_kwh": 400, "price": 0.55}, {"price": 0.8}]}]})";

TEST(tariffs, parse_and_price_time_of_use_with_seasons_weekdays_and_start_dates) {
    hearth::test::tz_guard tz("CST-8");
    auto r = parse(k_tou);
    ASSERT_TRUE(r.has_value()) << first_error(r);
    const auto& e = r->energy;
    EXPECT_EQ(e.currency, "CNY");
    ASSERT_EQ(e.tariffs.size(), 3u);
    EXPECT_EQ(e.tariff_at(mon_mar_2 - 24 * h - 1)->kind, tariff_kind::flat);  // a change applies from its date only
    EXPECT_EQ(e.tariff_at(mon_mar_2 - 24 * h)->kind, tariff_kind::time_of_use);
    const tariff* tou = e.tariff_at(mon_mar_2 + 9 * h);
    ASSERT_EQ(tou->kind, tariff_kind::time_of_use);
    EXPECT_EQ(tou->period_at(mon_mar_2 + 7 * h), "valley");
    EXPECT_EQ(tou->period_at(mon_mar_2 + 9 * h), "flat");
    EXPECT_EQ(tou->period_at(mon_mar_2 + 19 * h), "peak");
    EXPECT_EQ(tou->period_at(mon_mar_2 + 5 * 24 * h + 19 * h), "valley");  // Saturday
    EXPECT_DOUBLE_EQ(tou->price_at(mon_mar_2 + 18 * h), 0.98);
    // 21:00-22:00 is half peak, half flat: the hour's price is weighted by time.
    EXPECT_NEAR(tou->cost(mon_mar_2 + 21 * h, h, 2.0, 0), 2.0 * (0.98 + 0.62) / 2, 1e-12);
    EXPECT_NEAR(e.tariff_at(mon_mar_2 - 25 * h)->cost(mon_mar_2 - 25 * h, h, 2.0, 0), 1.0, 1e-12);
}

TEST(tariffs, tiered_blocks_are_crossed_by_monthly_consumption) {
    hearth::test::tz_guard tz("CST-8");
    auto r = parse(k_tou);
    ASSERT_TRUE(r.has_value()) << first_error(r);
    const tariff& t = r->energy.tariffs[2];
    EXPECT_DOUBLE_EQ(t.price_at(0, 199), 0.5);
    EXPECT_DOUBLE_EQ(t.price_at(0, 200), 0.55);
    EXPECT_DOUBLE_EQ(t.price_at(0, 1000), 0.8);
    // 190 kWh used; 220 more: 10 at 0.5, 200 at 0.55, 10 at 0.8.
    EXPECT_NEAR(t.cost(0, h, 220, 190), 10 * 0.5 + 200 * 0.55 + 10 * 0.8, 1e-9);
}

TEST(tariffs, mistakes_are_located_errors) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"({"tariffs": [{"from": "2026-02-30", "type": "flat", "price": 1}]})",
         "test.json: /energy/tariffs/0/from: not a calendar date (YYYY-MM-DD): 2026-02-30"},
        {R"({"tariffs": [{"from": "2026-02-01", "type": "flat", "price": 1}, {"from": "2026-01-01", "type": "flat", "price": 2}]})",
         "test.json: /energy/tariffs/1/from: tariffs must be in ascending order of \"from\"; 2026-01-01 is not after "
         "2026-02-01"},
        {R"({"tariffs": [{"from": "2026-01-01", "type": "flat"}]})",
         "test.json: /energy/tariffs/0: a flat tariff needs \"price\""},
        {R"({"tariffs": [{"from": "2026-01-01", "type": "flat", "price": 1, "blocks": [{"price": 1}]}]})",
         "test.json: /energy/tariffs/0/blocks: \"blocks\" does not apply to a flat tariff"},
        {R"({"tariffs": [{"from": "2026-01-01", "type": "time_of_use", "periods": {"a": 1},
             "schedules": [{"slots": [{"start": "01:00", "period": "a"}]}]}]})",
         "test.json: /energy/tariffs/0/schedules/0/slots/0/start: the first slot must start at 00:00, not 01:00"},
        {R"({"tariffs": [{"from": "2026-01-01", "type": "time_of_use", "periods": {"a": 1},
             "schedules": [{"slots": [{"start": "00:00", "period": "a"}, {"start": "08:00", "period": "b"}]}]}]})",
         "test.json: /energy/tariffs/0/schedules/0/slots/1/period: unknown period 'b' (not in \"periods\")"},
        {R"({"tariffs": [{"from": "2026-01-01", "type": "time_of_use", "periods": {"a": 1},
             "schedules": [{"slots": [{"start": "00:00", "period": "a"}, {"start": "00:00", "period": "a"}]}]}]})",
         "test.json: /energy/tariffs/0/schedules/0/slots/1/start: slots must be in ascending order of start; 00:00 "
         "does "
         "not come after the previous slot"},
        {R"({"tariffs": [{"from": "2026-01-01", "type": "time_of_use", "periods": {"a": 1},
             "schedules": [{"months": [1], "slots": [{"start": "00:00", "period": "a"}]}]}]})",
         "test.json: /energy/tariffs/0/schedules: no schedule covers month 2 on sun (add a last schedule without "
         "\"months\" and \"weekdays\")"},
        {R"({"tariffs": [{"from": "2026-01-01", "type": "tiered", "blocks": [{"up_to_kwh": 100, "price": 1}]}]})",
         "test.json: /energy/tariffs/0/blocks/0/up_to_kwh: the last block has no upper bound (drop \"up_to_kwh\")"},
        {R"({"tariffs": [{"from": "2026-01-01", "type": "tiered", "blocks": [{"up_to_kwh": 100, "price": 1},
             {"up_to_kwh": 50, "price": 1}, {"price": 2}]}]})",
         "test.json: /energy/tariffs/0/blocks/1/up_to_kwh: block bounds must be positive and ascending"},
        {R"({"tariffs": [{"from": "2026-01-01", "type": "hourly", "price": 1}]})",
         "test.json: /energy/tariffs/0/type: "},
        {R"({"tariffs": [{"from": "2026-01-01", "type": "time_of_use", "periods": {"a": 1},
             "schedules": [{"slots": [{"start": "24:00", "period": "a"}]}]}]})",
         "test.json: /energy/tariffs/0/schedules/0/slots/0/start: "},
        {R"({"home_meter": "Main Meter"})", "test.json: /energy/home_meter: not a valid device id"},
    };
    for (const auto& [energy, expected] : cases) {
        auto r = parse(energy);
        ASSERT_FALSE(r.has_value()) << energy;
        EXPECT_EQ(first_error(r).substr(0, expected.size()), expected) << energy;
    }
}

}  // namespace
}  // namespace hearth::tariff_tests
