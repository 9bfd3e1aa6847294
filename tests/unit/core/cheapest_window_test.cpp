// run_when_cheapest's search (src/core/cheapest_window.cpp) against a brute-force oracle that
// prices every whole-minute start: random time-of-use tariffs (random periods, slots, weekday and
// season schedules, a tariff change inside some windows) and random windows and durations from a
// fixed seed. The search must find the oracle's minimum cost, at the oracle's earliest such start.
#include "core/cheapest_window.hpp"
#include "core/config.hpp"

#include "tz_guard.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <set>

namespace hearth::cheapest_window_tests {
namespace {

using json = nlohmann::json;
constexpr std::int64_t minute = 60'000;
constexpr std::int64_t jun_1 = 1'780'243'200'000;  // 2026-06-01 00:00 at UTC+8

json random_tou(std::mt19937& rng, const std::string& from) {
    std::uniform_int_distribution<int> n_periods(1, 4), n_slots(1, 8), minute_of_day(1, 24 * 60 - 1);
    std::uniform_real_distribution<double> price(0.1, 1.5);
    json periods = json::object();
    const int np = n_periods(rng);
    for (int i = 0; i < np; ++i) periods["p" + std::to_string(i)] = std::round(price(rng) * 100) / 100;
    auto slots = [&] {
        std::set<int> starts{0};
        const int ns = n_slots(rng);
        for (int i = 1; i < ns; ++i) starts.insert(minute_of_day(rng));
        json out = json::array();
        for (int s : starts) {
            char text[32];
            std::snprintf(text, sizeof text, "%02d:%02d", s / 60, s % 60);
            out.push_back({{"start", text},
                           {"period", "p" + std::to_string(std::uniform_int_distribution<int>(0, np - 1)(rng))}});
        }
        return out;
    };
    return {{"from", from},
            {"type", "time_of_use"},
            {"periods", periods},
            {"schedules",
             {{{"weekdays", {"sat", "sun"}}, {"slots", slots()}},
              {{"months", {6, 7, 8}}, {"slots", slots()}},
              {{"slots", slots()}}}}};
}

energy_config random_config(std::mt19937& rng) {
    json tariffs = {random_tou(rng, "2026-01-01")};
    if (rng() % 2 == 0) tariffs.push_back(random_tou(rng, "2026-06-02"));  // a change inside the windows
    auto r = parse_config(json{{"energy", {{"tariffs", tariffs}}}}.dump(), "t.json", "/");
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().at(0).to_string());
    return r ? r->energy : energy_config{};
}

TEST(cheapest_window, matches_a_brute_force_oracle_on_random_tariffs_and_windows) {
    hearth::test::tz_guard tz("CST-8");
    std::mt19937 rng(20261207);
    for (int round = 0; round < 60; ++round) {
        const energy_config cfg = random_config(rng);
        const std::int64_t earliest = jun_1 + std::uniform_int_distribution<std::int64_t>(0, 36 * 60)(rng) * minute +
                                      std::uniform_int_distribution<std::int64_t>(0, minute - 1)(rng);
        const std::int64_t duration = std::uniform_int_distribution<std::int64_t>(1, 6 * 60)(rng) * minute;
        const std::int64_t deadline =
            earliest + duration + std::uniform_int_distribution<std::int64_t>(0, 20 * 60)(rng) * minute;
        const auto choice = cheapest_start(cfg, earliest, deadline, duration);
        ASSERT_TRUE(choice.has_value()) << round;
        // The oracle: every whole-minute start that fits.
        std::int64_t first = (earliest + minute - 1) / minute * minute;
        double best = 1e300;
        std::int64_t best_start = 0;
        for (std::int64_t s = first; s + duration <= deadline; s += minute) {
            const double c = price_integral(cfg, s, s + duration);
            if (c < best - 1e-12) {
                best = c;
                best_start = s;
            }
        }
        EXPECT_NEAR(choice->price_hours, best, 1e-9) << "round " << round;
        EXPECT_EQ(choice->start, best_start) << "round " << round;
        EXPECT_GE(choice->start, earliest);
        EXPECT_LE(choice->start + duration, deadline);
        EXPECT_NEAR(choice->price_hours_now, price_integral(cfg, first, first + duration), 1e-12);
        EXPECT_GE(choice->saving_per_kw(), -1e-12);
    }
}

TEST(cheapest_window, a_washer_waits_for_the_valley_and_reports_the_saving) {
    hearth::test::tz_guard tz("CST-8");
    auto r = parse_config(R"({"energy": {"tariffs": [{"from": "2026-01-01", "type": "time_of_use",
        "periods": {"peak": 0.98, "flat": 0.62, "valley": 0.31},
        "schedules": [{"slots": [{"start": "00:00", "period": "valley"}, {"start": "08:00", "period": "flat"},
                                 {"start": "18:00", "period": "peak"}, {"start": "23:00", "period": "valley"}]}]}]}})",
                          "t.json", "/");
    ASSERT_TRUE(r.has_value());
    const std::int64_t h = 60 * minute;
    // Loaded at 20:00, must finish by 07:00, runs 2 h: the valley starts at 23:00.
    const auto c = cheapest_start(r->energy, jun_1 + 20 * h, jun_1 + 31 * h, 2 * h);
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->start, jun_1 + 23 * h);
    EXPECT_NEAR(c->price_hours, 2 * 0.31, 1e-12);
    EXPECT_NEAR(c->saving_per_kw(), 2 * 0.98 - 2 * 0.31, 1e-12);
    EXPECT_FALSE(cheapest_start(r->energy, jun_1, jun_1 + h, 2 * h).has_value());  // does not fit
    EXPECT_FALSE(cheapest_start(r->energy, jun_1, jun_1 + h, 0).has_value());
}

}  // namespace
}  // namespace hearth::cheapest_window_tests
