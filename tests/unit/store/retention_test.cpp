// Retention tests with injected times: raw history past retention is downsampled into correct
// hourly min/max/mean/count rows and deleted in bounded steps; per-property overrides; expired
// hourly rows and events go; the size budget removes the oldest raw history first.
#include "store/store.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace hearth {
namespace {

using test::t0;

/// Run purge_step until it reports no more work; returns the number of calls (bounded).
int purge_all(store& s, time_ms now, std::size_t budget) {
    for (int calls = 1; calls <= 1000; ++calls) {
        if (!s.purge_step(now, budget)) return calls;
    }
    ADD_FAILURE() << "purge_step never finished";
    return -1;
}

TEST(store_retention, downsamples_then_deletes_expired_raw_history) {
    testing::temp_dir dir;
    store_options opts;
    opts.history_days = 10;
    opts.property_history_days["energy"] = 30;
    auto s = store::open(dir / "h.db", opts, t0);
    const time_ms hour = t0 - 12 * ms_per_day;  // an hour boundary, past the 10-day retention
    s->queue_state("plug", "power", 1.0, hour + 1000);
    s->queue_state("plug", "power", 5.0, hour + 2000);
    s->queue_state("plug", "power", 3.0, hour + 3000);
    s->queue_state("plug", "power", 10.0, hour + ms_per_hour + 5);
    s->queue_state("plug", "mode", "eco", hour + 1000);           // non-numeric: deleted, not averaged
    s->queue_state("plug", "energy", 7.0, hour + 1000);           // 30-day override: kept raw
    s->queue_state("plug", "power", 2.0, t0 - 1000);              // recent: kept raw
    s->queue_state("plug", "power", 4.0, t0 - 400 * ms_per_day);  // beyond downsampled retention
    s->append_event({"plug", "overload", {}, t0 - 31 * ms_per_day});
    s->append_event({"plug", "overload", {}, t0 - ms_per_day});
    s->flush();

    EXPECT_TRUE(s->purge_step(t0, 2));  // bounded: budget 2 cannot finish
    EXPECT_GT(purge_all(*s, t0, 2), 1);

    auto points = s->query_history("plug", "power", t0 - 500 * ms_per_day, t0, 100);
    ASSERT_EQ(points.size(), 3u);
    EXPECT_TRUE(points[0].downsampled);
    EXPECT_EQ(points[0].ts, hour);
    EXPECT_DOUBLE_EQ(points[0].min, 1.0);
    EXPECT_DOUBLE_EQ(points[0].max, 5.0);
    EXPECT_DOUBLE_EQ(points[0].value.get<double>(), 3.0);
    EXPECT_EQ(points[0].count, 3);
    EXPECT_TRUE(points[1].downsampled);
    EXPECT_EQ(points[1].ts, hour + ms_per_hour);
    EXPECT_EQ(points[1].count, 1);
    EXPECT_DOUBLE_EQ(points[1].value.get<double>(), 10.0);
    EXPECT_FALSE(points[2].downsampled);
    EXPECT_DOUBLE_EQ(points[2].value.get<double>(), 2.0);

    EXPECT_TRUE(s->query_history("plug", "mode", 0, t0, 10).empty());
    auto energy = s->query_history("plug", "energy", 0, t0, 10);
    ASSERT_EQ(energy.size(), 1u);
    EXPECT_FALSE(energy[0].downsampled);
    auto stats = s->stats();
    EXPECT_EQ(stats.rows["history_hourly"], 2);  // the 400-day-old hour was dropped
    EXPECT_EQ(stats.rows["events"], 1);
    EXPECT_EQ(s->load_current_state()["plug"]["power"], 2.0);  // current state never purged
}

TEST(store_retention, downsampling_merges_across_bounded_steps) {
    testing::temp_dir dir;
    auto s = store::open(dir / "h.db", {}, t0);
    const time_ms hour = t0 - 20 * ms_per_day;
    for (int i = 1; i <= 9; ++i) s->queue_state("t", "temp", double(i), hour + i);
    s->flush();
    purge_all(*s, t0, 2);  // the hour is split over 5 steps and must merge to one row
    auto points = s->query_history("t", "temp", hour, hour, 10);
    ASSERT_EQ(points.size(), 1u);
    EXPECT_EQ(points[0].count, 9);
    EXPECT_DOUBLE_EQ(points[0].min, 1.0);
    EXPECT_DOUBLE_EQ(points[0].max, 9.0);
    EXPECT_DOUBLE_EQ(points[0].value.get<double>(), 5.0);
}

TEST(store_retention, size_budget_removes_oldest_raw_history_first) {
    testing::temp_dir dir;
    std::uint64_t empty_bytes = 0;
    { empty_bytes = store::open(dir / "probe.db", {}, t0)->stats().used_bytes; }
    store_options opts;
    opts.size_budget_bytes = empty_bytes + 200 * 1024;
    auto s = store::open(dir / "h.db", opts, t0);
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        s->queue_state("meter", "power", double(i % 100), t0 - ms_per_day + i * 1000);
        if (i % 1000 == 999) s->flush();
    }
    s->flush();
    ASSERT_GT(s->stats().used_bytes, opts.size_budget_bytes);
    purge_all(*s, t0, 1000);
    auto stats = s->stats();
    EXPECT_LE(stats.used_bytes, opts.size_budget_bytes);
    EXPECT_GT(stats.rows["state_history"], 0);
    EXPECT_LT(stats.rows["state_history"], n);
    EXPECT_GT(stats.rows["history_hourly"], 0);  // removed raw rows were downsampled first
    auto remaining = s->query_history("meter", "power", 0, t0, 1'000'000);
    std::size_t raw = 0;
    for (const auto& p : remaining) raw += p.downsampled ? 0 : 1;
    ASSERT_GT(raw, 0u);
    // The newest raw point survived; everything dropped was older than what remains.
    EXPECT_EQ(remaining.back().ts, t0 - ms_per_day + (n - 1) * 1000);
    EXPECT_EQ(stats.free_pages, 0u);  // incremental vacuum returned the freed pages
}

}  // namespace
}  // namespace hearth

namespace hearth {
namespace {

TEST(store_retention, device_property_override_beats_property_and_global_retention) {
    testing::temp_dir dir;
    store_options opts;
    opts.history_days = 10;
    opts.property_history_days["power"] = 20;         // every device's power: 20 days
    opts.property_history_days["fridge.power"] = 60;  // but the fridge's power: 60 days
    auto s = store::open(dir / "h.db", opts, t0);
    const time_ms old = t0 - 30 * ms_per_day;  // past 10 and 20 days, within 60
    s->queue_state("plug", "power", 1.0, old);
    s->queue_state("fridge", "power", 2.0, old);
    s->queue_state("plug", "mode", "eco", t0 - 15 * ms_per_day);  // past the 10-day default
    s->flush();
    purge_all(*s, t0, 100);
    auto raw = [&](const char* device, const char* property) {
        std::size_t n = 0;
        for (const auto& p : s->query_history(device, property, 0, t0, 100)) n += p.downsampled ? 0 : 1;
        return n;
    };
    EXPECT_EQ(raw("plug", "power"), 0u);
    EXPECT_EQ(raw("fridge", "power"), 1u);
    EXPECT_EQ(raw("plug", "mode"), 0u);
}

}  // namespace
}  // namespace hearth
