// The energy accuracy check of docs/energy.md ("Accuracy"): a synthetic household (household.hpp)
// of ten devices and a home meter, March-May 2026 (92 days), fed reading by reading through the
// real store (accountant, flushes, a hub restart half-way) and answered by the real `energy`
// report. Per device and calendar month, kWh and cost must be within 1 % of the truth computed
// from the minute-by-minute load, for a flat, a time-of-use, a tiered and a changing tariff. The
// cost oracles below are written independently of src/core/tariff.cpp.
#include "app/energy_report.hpp"
#include "core/config.hpp"
#include "store/store.hpp"

#include "household.hpp"
#include "../core/tz_guard.hpp"

#include <hearth/testing/temp_dir.hpp>

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <map>

namespace hearth::energy_household_tests {
namespace {

using test::household;
using test::household_device;

constexpr std::int64_t minute_ms = 60'000;
constexpr std::int64_t hour_ms = 3'600'000;
constexpr std::int64_t mar_1 = 1'772'294'400'000;  // 2026-03-01 00:00 UTC+8 (a Sunday)
constexpr std::int64_t apr_1 = 1'774'972'800'000;
constexpr std::int64_t apr_15 = 1'776'182'400'000;
constexpr std::int64_t may_1 = 1'777'564'800'000;
constexpr std::int64_t jun_1 = 1'780'243'200'000;
constexpr int days = 92;
constexpr double tolerance = 0.01;

const std::string tou_json = R"({"type": "time_of_use", "periods": {"peak": 0.98, "flat": 0.62, "valley": 0.31},
  "schedules": [{"weekdays": ["sat", "sun"], "slots": [{"start": "00:00", "period": "valley"},
                  {"start": "08:00", "period": "flat"}, {"start": "23:00", "period": "valley"}]},
                {"slots": [{"start": "00:00", "period": "valley"}, {"start": "08:00", "period": "flat"},
                  {"start": "10:00", "period": "peak"}, {"start": "15:00", "period": "flat"},
                  {"start": "18:00", "period": "peak"}, {"start": "21:00", "period": "flat"},
                  {"start": "23:00", "period": "valley"}]}]})";

/// The time-of-use price at a minute, from the local (UTC+8) clock alone.
double tou_price(std::int64_t ts) {
    std::int64_t local_min = ts / minute_ms + 8 * 60;
    int tod = static_cast<int>(local_min % 1440);
    int weekday = static_cast<int>((local_min / 1440 + 4) % 7);  // 0 = Sunday
    auto at = [tod](int hh, int mm) { return tod >= hh * 60 + mm; };
    if (weekday == 0 || weekday == 6) return at(8, 0) && !at(23, 0) ? 0.62 : 0.31;
    if (!at(8, 0) || at(23, 0)) return 0.31;
    if (at(21, 0)) return 0.62;
    if (at(18, 0)) return 0.98;
    if (at(15, 0)) return 0.62;
    if (at(10, 0)) return 0.98;
    return 0.62;
}

/// Cost of `kwh` placed on a month's running total under blocks 200 / 400 / rest.
double tiered_cost(double month_before, double kwh) {
    constexpr std::array<double, 2> bounds{200, 400};
    constexpr std::array<double, 3> prices{0.56, 0.61, 0.86};
    double cost = 0;
    double at = month_before;
    double left = kwh;
    for (std::size_t i = 0; i < prices.size() && left > 0; ++i) {
        double room = i < bounds.size() ? std::max(0.0, bounds[i] - at) : left;
        double used = std::min(room, left);
        cost += used * prices[i];
        at += used;
        left -= used;
    }
    return cost;
}

struct tariff_case {
    std::string name;
    std::string tariffs;                        ///< the config's `tariffs` array
    std::function<double(std::int64_t)> price;  ///< per-minute price; empty = tiered
};

std::vector<tariff_case> tariff_cases() {
    return {
        {"flat", R"([{"from": "2026-01-01", "type": "flat", "price": 0.55}])", [](std::int64_t) { return 0.55; }},
        {"time_of_use", R"([{"from": "2026-01-01", )" + tou_json.substr(1) + "]", tou_price},
        {"tiered", R"([{"from": "2026-01-01", "type": "tiered", "blocks": [{"up_to_kwh": 200, "price": 0.56},
           {"up_to_kwh": 400, "price": 0.61}, {"price": 0.86}]}])",
         nullptr},
        {"flat_then_time_of_use_from_apr_15",
         R"([{"from": "2026-01-01", "type": "flat", "price": 0.55}, {"from": "2026-04-15", )" + tou_json.substr(1) +
             "]",
         [](std::int64_t ts) { return ts < apr_15 ? 0.55 : tou_price(ts); }},
    };
}

energy_config parse_tariffs(const std::string& tariffs) {
    auto r = parse_config(R"({"energy": {"currency": "CNY", "home_meter": "main_meter", "tariffs": )" + tariffs + "}}",
                          "t.json", "/");
    EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error().at(0).to_string());
    return r.has_value() ? r->energy : energy_config{};
}

/// True cost per device id (and "" for the unmeasured rest) in [from, to).
std::map<std::string, double> true_costs(const household& h, const tariff_case& tc, std::int64_t from,
                                         std::int64_t to) {
    std::map<std::string, double> cost;
    double month_home = 0;
    auto first = static_cast<std::size_t>((from - h.start_ms) / minute_ms);
    auto last = static_cast<std::size_t>((to - h.start_ms) / minute_ms);
    for (std::size_t m = first; m < last; ++m) {
        std::int64_t ts = h.start_ms + static_cast<std::int64_t>(m) * minute_ms;
        double home_kwh = h.home.watts[m] / 60'000.0;
        double price = tc.price ? tc.price(ts) : tiered_cost(month_home, home_kwh) / home_kwh;
        month_home += home_kwh;
        double rest = home_kwh;
        for (const auto& d : h.devices) {
            double kwh = d.watts[m] / 60'000.0;
            cost[d.id] += kwh * price;
            rest -= kwh;
        }
        cost[""] += rest * price;
    }
    return cost;
}

const nlohmann::json* device_row(const nlohmann::json& report, const std::string& id) {
    for (const auto& row : report["devices"])
        if (row["device"] == id) return &row;
    return nullptr;
}

void expect_close(double got, double truth, const std::string& what) {
    EXPECT_LE(std::abs(got - truth), tolerance * std::abs(truth))
        << what << ": " << got << " vs true " << truth << " (" << 100 * (got - truth) / truth << " %)";
}

/// Feeds the household through a real store, restarting it once half-way, and returns every bucket.
std::vector<energy_bucket> account(const household& h, const std::filesystem::path& db) {
    auto st = store::open(db, {}, h.start_ms);
    std::int64_t next_flush = h.start_ms + hour_ms;
    const std::int64_t restart_at = h.start_ms + 45 * 24 * hour_ms + 5 * hour_ms + 17 * minute_ms;
    for (const auto& r : h.readings) {
        while (r.arrival_ms >= next_flush) {
            st->flush();
            if (next_flush > restart_at && next_flush - hour_ms <= restart_at) {
                st->close();  // the hub restarts: tracks must continue from the database
                st.reset();
                st = store::open(db, {}, next_flush);
            }
            next_flush += hour_ms;
        }
        st->queue_state(r.device, r.property, r.value, r.ts);
    }
    st->flush();
    return st->query_energy("", h.start_ms - 31 * 24 * hour_ms, h.start_ms + days * 24 * hour_ms);
}

TEST(energy_household, monthly_kwh_and_cost_per_device_within_one_percent_for_every_tariff_type) {
    test::tz_guard tz("CST-8");
    hearth::testing::temp_dir dir;
    const household h = test::make_household(mar_1, days, 20261207);
    ASSERT_EQ(h.start_ms + days * 24 * hour_ms, jun_1);
    const auto buckets = account(h, dir.path() / "hearth.db");
    ASSERT_FALSE(buckets.empty());

    for (const auto& tc : tariff_cases()) {
        SCOPED_TRACE(tc.name);
        const energy_config cfg = parse_tariffs(tc.tariffs);
        for (auto [from, to] : {std::pair{mar_1, apr_1}, std::pair{apr_1, may_1}, std::pair{may_1, jun_1}}) {
            SCOPED_TRACE("month from " + std::to_string(from));
            const auto report = energy_report({"", energy_grouping::month, from, to}, cfg, buckets);
            const auto costs = true_costs(h, tc, from, to);
            ASSERT_EQ(report["devices"].size(), h.devices.size());
            for (const auto& d : h.devices) {
                const auto* row = device_row(report, d.id);
                ASSERT_NE(row, nullptr) << d.id;
                EXPECT_EQ((*row)["source"], d.meter ? "meter" : "power") << d.id;
                expect_close((*row)["kwh"].get<double>(), h.true_kwh(d, from, to), d.id + " kWh");
                expect_close((*row)["cost"].get<double>(), costs.at(d.id), d.id + " cost");
            }
            expect_close(report["total"]["kwh"].get<double>(), h.true_kwh(h.home, from, to), "home kWh");
            expect_close(report["unmeasured"]["kwh"].get<double>(), h.true_unmeasured_kwh(from, to), "unmeasured kWh");
            // The unmeasured rest is home - devices per hour, so it inherits the timing mismatch of
            // two meters reporting at different minutes around price changes: its cost is held to
            // 1 % of the home's cost, not of itself (docs/energy.md, "Accuracy").
            const double home_cost = report["total"]["cost"].get<double>();
            EXPECT_LE(std::abs(report["unmeasured"]["cost"].get<double>() - costs.at("")), tolerance * home_cost);
            EXPECT_EQ(report["unpriced_kwh"].get<double>(), 0.0);
        }
    }
}

TEST(energy_household, the_injected_trouble_is_really_in_the_feed) {
    // The accuracy test proves nothing about resets, gaps or glitches unless the feed has them.
    const household h = test::make_household(mar_1, days, 20261207);
    std::map<std::string, double> last;
    int resets = 0;
    int glitches = 0;
    int backwards = 0;
    int jitter = 0;
    std::map<std::string, std::int64_t> last_ts;
    std::int64_t longest_ac_gap = 0;
    for (const auto& r : h.readings) {
        if (r.property != "energy_kwh") continue;
        if (last.contains(r.device)) {
            double prev = last[r.device];
            if (r.value >= 90'000) ++glitches;
            if (r.value < prev * 0.9) ++resets;
            if (r.value < prev && r.value >= prev * 0.9) ++jitter;
            if (r.ts < last_ts[r.device]) ++backwards;
            if (r.device == "air_conditioner") longest_ac_gap = std::max(longest_ac_gap, r.ts - last_ts[r.device]);
        }
        if (r.value < 90'000) last[r.device] = r.value;
        last_ts[r.device] = r.ts;
    }
    EXPECT_EQ(glitches, 1);
    EXPECT_EQ(resets, 1);  // the washer's
    EXPECT_GE(jitter, 100);
    EXPECT_EQ(backwards, 1);
    EXPECT_GE(longest_ac_gap, 6 * hour_ms);
    // The router's 3 h without any reading.
    std::int64_t longest_router_gap = 0;
    std::int64_t prev = h.start_ms;
    for (const auto& r : h.readings)
        if (r.device == "router") {
            longest_router_gap = std::max(longest_router_gap, r.ts - prev);
            prev = r.ts;
        }
    EXPECT_GE(longest_router_gap, 3 * hour_ms);
}

}  // namespace
}  // namespace hearth::energy_household_tests
