// The energy answer cache (src/app/energy_cache.hpp): its answers equal energy_report() over
// freshly read buckets — for whole and cut days, every grouping, one device by hour, tiered
// blocks — it reuses the days nothing touched, and it re-prices a day the store changed (and,
// under tiered blocks, the rest of that month), with the store's real change log.
#include "app/energy_cache.hpp"
#include "core/config.hpp"
#include "store/store.hpp"

#include "../core/tz_guard.hpp"

#include <hearth/testing/temp_dir.hpp>

#include <gtest/gtest.h>

namespace hearth::energy_cache_tests {
namespace {

constexpr std::int64_t hour_ms = 3'600'000;
constexpr std::int64_t day_ms = 24 * hour_ms;
constexpr std::int64_t mar_1 = 1'772'294'400'000;  // 2026-03-01 00:00 UTC+8
constexpr std::int64_t apr_1 = 1'774'972'800'000;

energy_config config(const std::string& tariff, const std::string& home_meter = "home") {
    const std::string meter = home_meter.empty() ? "" : R"("home_meter": ")" + home_meter + R"(", )";
    auto r =
        parse_config(R"({"energy": {"currency": "CNY", )" + meter + R"("tariffs": [)" + tariff + "]}}", "t.json", "/");
    EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error().at(0).to_string());
    return r.has_value() ? r->energy : energy_config{};
}

const std::string tou = R"({"from": "2026-01-01", "type": "time_of_use", "periods": {"peak": 0.98, "valley": 0.31},
  "schedules": [{"slots": [{"start": "00:00", "period": "valley"}, {"start": "08:00", "period": "peak"},
                           {"start": "22:00", "period": "valley"}]}]})";
const std::string tiered = R"({"from": "2026-01-01", "type": "tiered",
  "blocks": [{"up_to_kwh": 30, "price": 0.5}, {"price": 0.8}]})";

class energy_cache_test : public ::testing::Test {
protected:
    void SetUp() override {
        st_ = store::open(dir_ / "hearth.db", {}, mar_1);
        // 40 days: a meter washer, a power-only lamp and the home meter, readings every 20 minutes.
        for (std::int64_t t = mar_1; t <= mar_1 + 40 * day_ms; t += 20 * 60'000) feed(t);
        st_->flush();
    }

    void feed(std::int64_t t) {
        const double hours = static_cast<double>(t - mar_1) / hour_ms;
        washer_ += ((t / hour_ms) % 24 == 20) ? 0.4 : 0.01;
        home_ += ((t / hour_ms) % 24 == 20) ? 0.5 : 0.05;
        st_->queue_state("washer", "energy_kwh", washer_, t);
        st_->queue_state("home", "energy_kwh", home_, t);
        st_->queue_state("lamp", "power_w", 20.0 + static_cast<int>(hours) % 5 * 10.0, t);
    }

    /// energy_report() over every bucket read now: what the cache must answer.
    nlohmann::json fresh(const energy_query& q, const energy_config& cfg) {
        return energy_report(q, cfg, store::read_energy(st_->path(), "", energy_fetch_from(q), q.to));
    }

    test::tz_guard tz_{"CST-8"};
    hearth::testing::temp_dir dir_;
    std::unique_ptr<store> st_;
    double washer_ = 100;
    double home_ = 5000;
};

TEST_F(energy_cache_test, answers_equal_a_fresh_report_for_whole_and_cut_days_and_every_grouping) {
    for (const auto& tariff : {tou, tiered}) {
        const auto cfg = config(tariff);
        energy_cache cache(cfg, st_->path(), st_->energy_changes());
        const std::vector<energy_query> queries = {
            {"", energy_grouping::day, apr_1 - 7 * day_ms, apr_1},
            {"", energy_grouping::month, mar_1, apr_1 + 5 * day_ms},
            {"", energy_grouping::hour, mar_1 + 10 * day_ms + 5 * hour_ms, mar_1 + 12 * day_ms + 7 * hour_ms},
            {"washer", energy_grouping::hour, mar_1 + 20 * day_ms, mar_1 + 23 * day_ms},
            {"washer", energy_grouping::day, mar_1 + 3 * day_ms + 13 * hour_ms, mar_1 + 30 * day_ms},
            {"lamp", energy_grouping::month, mar_1, mar_1 + 40 * day_ms},
        };
        for (int round = 0; round < 2; ++round)
            for (const auto& q : queries) EXPECT_EQ(cache.answer(q), fresh(q, cfg)) << q.device << " " << q.from;
        EXPECT_GT(cache.stats().reused, 0u);
    }
}

TEST_F(energy_cache_test, reuses_untouched_days_and_reprices_changed_ones) {
    const auto cfg = config(tou);
    energy_cache cache(cfg, st_->path(), st_->energy_changes());
    const energy_query march{"", energy_grouping::day, mar_1, apr_1};
    EXPECT_EQ(cache.answer(march), fresh(march, cfg));
    const auto priced = cache.stats().priced;
    EXPECT_EQ(cache.answer(march), fresh(march, cfg));
    EXPECT_EQ(cache.stats().priced, priced);  // nothing changed: nothing read again

    // New consumption on April 10 leaves March (and February, the previous period) alone.
    st_->queue_state("washer", "energy_kwh", washer_ + 5.0, mar_1 + 40 * day_ms + 1);
    st_->flush();
    EXPECT_EQ(cache.answer(march), fresh(march, cfg));
    EXPECT_EQ(cache.stats().priced, priced);

    // A meter silent from March 12 to March 20 (M5: its step is spread over those days): those
    // days are priced again, the rest of the month is not.
    st_->queue_state("heater", "energy_kwh", 1.0, mar_1 + 11 * day_ms);
    st_->queue_state("heater", "energy_kwh", 2.0, mar_1 + 11 * day_ms + hour_ms);
    st_->flush();
    const auto before = cache.answer(march);
    const auto priced_before = cache.stats().priced;
    st_->queue_state("heater", "energy_kwh", 10.0, mar_1 + 19 * day_ms + hour_ms);
    st_->flush();
    const auto after = cache.answer(march);
    EXPECT_NE(before, after);
    EXPECT_EQ(after, fresh(march, cfg));
    // March 12-20, and March 11: the log counts UTC days, and March 12 01:00 local is March 11 UTC.
    EXPECT_EQ(cache.stats().priced - priced_before, 10u);
}

TEST_F(energy_cache_test, a_change_early_in_the_month_reprices_the_rest_of_it_under_tiered_blocks) {
    const auto cfg = config(tiered, "");  // the devices' sum climbs the blocks
    energy_cache cache(cfg, st_->path(), st_->energy_changes());
    const energy_query q{"", energy_grouping::day, mar_1 + 3 * day_ms, apr_1};
    const auto before = cache.answer(q);
    EXPECT_EQ(before, fresh(q, cfg));
    // 20 kWh more on March 2 only: every later March day is further up the blocks, though none of
    // their buckets changed.
    st_->queue_state("heater", "energy_kwh", 1.0, mar_1 + day_ms);
    st_->queue_state("heater", "energy_kwh", 21.0, mar_1 + day_ms + 12 * hour_ms);
    st_->flush();
    const auto priced_before = cache.stats().priced;
    const auto after = cache.answer(q);
    EXPECT_NE(before, after);
    EXPECT_EQ(after, fresh(q, cfg));
    EXPECT_GE(cache.stats().priced - priced_before, 29u);  // March 2-31
}

}  // namespace
}  // namespace hearth::energy_cache_tests
