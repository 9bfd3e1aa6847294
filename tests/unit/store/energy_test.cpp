// Energy accounting: each rule of docs/energy.md ("Accounting rules") with injected timestamps —
// meter deltas, spreading over hours and gaps, resets vs jitter, glitches held until confirmed,
// clock jumps, power integration with the hold limit, meter-over-power — and the store side:
// buckets written by flush(), tracks surviving a restart, the daily roll-up, integer mWh carry.
#include "store/energy_accumulator.hpp"
#include "store/store.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace hearth {
namespace {

constexpr std::int64_t h = 3'600'000;
constexpr std::int64_t t0 = test::t0;  // an hour boundary

double at(energy_accumulator& acc, const std::string& dev, std::int64_t hour_start) {
    auto it = acc.pending().find({dev, hour_start});
    return it == acc.pending().end() ? 0.0 : it->second.kwh;
}

double total(energy_accumulator& acc) {
    double sum = 0;
    for (const auto& [key, b] : acc.pending()) sum += b.kwh;
    return sum;
}

TEST(energy_rules, meter_first_reading_is_a_baseline_then_deltas_count) {  // M1, M2
    energy_accumulator acc;
    EXPECT_TRUE(acc.add("w", "energy_kwh", 100.0, t0 + 10 * 60'000));
    EXPECT_EQ(total(acc), 0.0);
    acc.add("w", "energy_kwh", 100.5, t0 + 20 * 60'000);
    EXPECT_DOUBLE_EQ(at(acc, "w", t0), 0.5);
    EXPECT_EQ(acc.pending().at({"w", t0}).source, energy_source::meter);
    EXPECT_FALSE(acc.add("w", "temperature", 20, t0));
}

TEST(energy_rules, meter_delta_across_an_hour_boundary_is_split_by_time) {  // M5
    energy_accumulator acc;
    acc.add("w", "energy_kwh", 10.0, t0 + 30 * 60'000);
    acc.add("w", "energy_kwh", 11.0, t0 + 90 * 60'000);
    EXPECT_DOUBLE_EQ(at(acc, "w", t0), 0.5);
    EXPECT_DOUBLE_EQ(at(acc, "w", t0 + h), 0.5);
}

TEST(energy_rules, meter_gap_spreads_evenly_and_keeps_the_total) {  // M5: gaps and restarts
    energy_accumulator acc;
    acc.add("w", "energy_kwh", 10.0, t0);
    acc.add("w", "energy_kwh", 13.0, t0 + 3 * h);  // 3 h of silence
    EXPECT_DOUBLE_EQ(at(acc, "w", t0), 1.0);
    EXPECT_DOUBLE_EQ(at(acc, "w", t0 + h), 1.0);
    EXPECT_DOUBLE_EQ(at(acc, "w", t0 + 2 * h), 1.0);
}

TEST(energy_rules, meter_reset_counts_the_new_reading_and_small_dips_are_jitter) {  // M3
    energy_accumulator acc;
    acc.add("w", "energy_kwh", 500.0, t0);
    acc.add("w", "energy_kwh", 499.9, t0 + 60'000);  // jitter: < 10 % below, ignored
    EXPECT_EQ(total(acc), 0.0);
    acc.add("w", "energy_kwh", 500.2, t0 + 120'000);  // counted from the high-water mark 500
    EXPECT_NEAR(total(acc), 0.2, 1e-9);
    acc.add("w", "energy_kwh", 0.3, t0 + 180'000);  // device restarted its counter
    EXPECT_NEAR(total(acc), 0.5, 1e-9);
    acc.add("w", "energy_kwh", 0.4, t0 + 240'000);
    EXPECT_NEAR(total(acc), 0.6, 1e-9);
}

TEST(energy_rules, meter_glitch_is_never_counted_but_a_confirmed_jump_is_adopted) {  // M4
    energy_accumulator acc;
    acc.add("w", "energy_kwh", 100.0, t0);
    acc.add("w", "energy_kwh", 1e9, t0 + 60'000);  // 1e9 kWh in a minute: a glitch
    EXPECT_EQ(total(acc), 0.0);
    acc.add("w", "energy_kwh", 100.1, t0 + 120'000);  // continues from 100: glitch dropped
    EXPECT_NEAR(total(acc), 0.1, 1e-9);
    acc.add("w", "energy_kwh", 5000.0, t0 + 180'000);  // meter replaced by one reading 5000
    acc.add("w", "energy_kwh", 5000.2, t0 + 240'000);  // confirmed: only the step after counts
    EXPECT_NEAR(total(acc), 0.3, 1e-9);
    acc.add("w", "energy_kwh", 5000.3, t0 + 300'000);
    EXPECT_NEAR(total(acc), 0.4, 1e-9);
}

TEST(energy_rules, clock_going_backwards_books_into_the_last_hour_seen) {  // M6
    energy_accumulator acc;
    acc.add("w", "energy_kwh", 1.0, t0 + 2 * h + 60'000);
    acc.add("w", "energy_kwh", 1.5, t0 + 30 * 60'000);  // clock stepped back 1.5 h
    EXPECT_DOUBLE_EQ(at(acc, "w", t0 + 2 * h), 0.5);
    acc.add("w", "energy_kwh", 2.0, t0 + 2 * h + 120'000);  // measured from the last ts kept
    EXPECT_DOUBLE_EQ(at(acc, "w", t0 + 2 * h), 1.0);
    EXPECT_EQ(acc.pending().size(), 1u);
}

TEST(energy_rules, power_is_held_until_the_next_sample) {  // P1, P2
    energy_accumulator acc;
    acc.add("tv", "power_w", 100.0, t0);
    acc.add("tv", "power_w", 0.0, t0 + 30 * 60'000);
    EXPECT_DOUBLE_EQ(at(acc, "tv", t0), 0.05);
    EXPECT_EQ(acc.pending().at({"tv", t0}).source, energy_source::power);
}

TEST(energy_rules, power_silence_longer_than_the_hold_counts_only_the_hold) {  // P3
    energy_accumulator acc;                                                    // hold 1 h
    acc.add("tv", "power_w", 1000.0, t0);
    acc.add("tv", "power_w", 1000.0, t0 + 5 * h);  // hub down 5 h
    EXPECT_DOUBLE_EQ(total(acc), 1.0);
    EXPECT_DOUBLE_EQ(at(acc, "tv", t0), 1.0);
}

TEST(energy_rules, power_glitches_and_past_samples) {  // R1, P5
    energy_accumulator acc;
    acc.add("tv", "power_w", 100.0, t0);
    EXPECT_TRUE(acc.add("tv", "power_w", -5.0, t0 + 60'000));  // rejected
    EXPECT_TRUE(acc.add("tv", "power_w", 9e9, t0 + 60'000));   // over max_kw: rejected
    acc.add("tv", "power_w", 200.0, t0 - 60'000);              // from the past: level only
    EXPECT_EQ(total(acc), 0.0);
    acc.add("tv", "power_w", 0.0, t0 + 30 * 60'000);
    EXPECT_DOUBLE_EQ(total(acc), 0.1);  // 200 W for the 30 min after t0
}

TEST(energy_rules, a_meter_wins_over_power) {  // P4
    energy_accumulator acc;
    acc.add("plug", "power_w", 1000.0, t0);
    acc.add("plug", "power_w", 1000.0, t0 + 30 * 60'000);
    EXPECT_DOUBLE_EQ(total(acc), 0.5);
    acc.add("plug", "energy_kwh", 7.0, t0 + 31 * 60'000);  // baseline; power now ignored
    acc.add("plug", "power_w", 1000.0, t0 + 50 * 60'000);
    acc.add("plug", "energy_kwh", 7.25, t0 + 51 * 60'000);
    EXPECT_DOUBLE_EQ(total(acc), 0.75);
    EXPECT_EQ(acc.pending().at({"plug", t0}).source, energy_source::meter);
}

TEST(energy_store, flush_writes_buckets_and_tracks_survive_a_restart) {
    testing::temp_dir dir;
    {
        auto s = store::open(dir / "h.db", {}, t0);
        s->queue_state("w", "energy_kwh", 10.0, t0);
        s->queue_state("w", "energy_kwh", 10.4, t0 + 30 * 60'000);
        s->queue_state("tv", "power_w", 60.0, t0);
        s->queue_state("tv", "power_w", 60.0, t0 + h);
        s->flush();
        auto b = s->query_energy("", t0, t0 + h);
        ASSERT_EQ(b.size(), 2u);
        EXPECT_EQ(b[0].device_id, "tv");
        EXPECT_DOUBLE_EQ(b[0].kwh, 0.06);
        EXPECT_EQ(b[0].source, energy_source::power);
        EXPECT_EQ(b[1].device_id, "w");
        EXPECT_DOUBLE_EQ(b[1].kwh, 0.4);
        EXPECT_EQ(b[1].ts, t0);
        EXPECT_EQ(b[1].span_ms, h);
    }
    auto s = store::open(dir / "h.db", {}, t0 + 2 * h);
    s->queue_state("w", "energy_kwh", 10.6, t0 + 40 * 60'000);  // continues from 10.4 after restart
    s->flush();
    auto b = s->query_energy("w", t0, t0 + h);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_DOUBLE_EQ(b[0].kwh, 0.6);
    EXPECT_EQ(s->energy_devices().at("tv"), energy_source::power);
}

TEST(energy_store, small_steps_are_not_lost_to_rounding) {
    testing::temp_dir dir;
    auto s = store::open(dir / "h.db", {}, t0);
    // 5 W flushed every second: 1.39 mWh per flush; rounding each would lose 28 %.
    for (int i = 0; i <= 3600; ++i) {
        s->queue_state("lamp", "power_w", 5.0, t0 + i * 1000);
        s->flush();
    }
    auto b = s->query_energy("lamp", t0, t0 + h);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_NEAR(b[0].kwh, 0.005, 1e-6);
}

TEST(energy_store, hourly_rows_past_retention_roll_up_into_utc_days) {
    testing::temp_dir dir;
    store_options o;
    o.energy_hourly_days = 1;
    auto s = store::open(dir / "h.db", o, t0);
    s->queue_state("w", "energy_kwh", 0.0, t0);
    s->queue_state("w", "energy_kwh", 48.0, t0 + 48 * h);  // 1 kWh per hour for two days
    s->flush();
    while (s->purge_step(t0 + 60 * h, 10)) {}
    auto b = s->query_energy("w", t0, t0 + 48 * h);
    ASSERT_EQ(b.size(), 1u + 24u);  // day one rolled up (older than 1 day at t0+60h), day two hourly
    EXPECT_EQ(b[0].span_ms, 24 * h);
    EXPECT_DOUBLE_EQ(b[0].kwh, 24.0);
    double sum = 0;
    for (const auto& x : b) sum += x.kwh;
    EXPECT_DOUBLE_EQ(sum, 48.0);
}

}  // namespace
}  // namespace hearth
