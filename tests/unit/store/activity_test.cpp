// The activity log (docs/proactive.md): entries are queued, written by flush() in order with their
// kind, value and source, streamed back oldest first within [from, to) (the callback may stop the
// read), bounded by flush's row budget like history, kept `activity_days` by retention, and a row
// with an unknown kind or a value that is not JSON is skipped or read as null, never a crash.
#include "store/store.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace hearth {
namespace {

constexpr time_ms a0 = test::t0;  // unity build: names unique to this file

std::vector<activity_record> read_activity_rows(const std::filesystem::path& path, time_ms from, time_ms to) {
    auto reader = store::open_reader(path);
    std::vector<activity_record> out;
    store::read_activity(reader, from, to, [&](const activity_record& r) {
        out.push_back(r);
        return true;
    });
    return out;
}

TEST(store_activity, entries_round_trip_in_order_within_the_range) {
    testing::temp_dir dir;
    auto s = store::open(dir / "h.db", {}, a0);
    s->append_activity({a0 + 2000, "porch", activity_kind::command, "turn_on", {{"brightness", 40}}, "mqtt"});
    s->append_activity({a0 + 1000, "hall_lock", activity_kind::state, "lock_state", "unlocked", "device"});
    s->append_activity({a0 + 1000, "hall_motion", activity_kind::event, "motion", nlohmann::json::object(), "device"});
    s->append_activity({a0 + 9000, "porch", activity_kind::state, "on", true, "device"});
    EXPECT_EQ(s->queued(), 4U);
    EXPECT_EQ(s->flush(), 4U);
    EXPECT_EQ(s->queued(), 0U);

    const auto all = read_activity_rows(dir / "h.db", a0, a0 + 9000);  // to is exclusive
    ASSERT_EQ(all.size(), 3U);
    EXPECT_EQ(all[0].device_id, "hall_lock");  // oldest first; ties in insertion order
    EXPECT_EQ(all[0].kind, activity_kind::state);
    EXPECT_EQ(all[0].value, "unlocked");
    EXPECT_EQ(all[0].source, "device");
    EXPECT_EQ(all[1].device_id, "hall_motion");
    EXPECT_EQ(all[1].kind, activity_kind::event);
    EXPECT_EQ(all[2].name, "turn_on");
    EXPECT_EQ(all[2].kind, activity_kind::command);
    EXPECT_EQ(all[2].value, (nlohmann::json{{"brightness", 40}}));
    EXPECT_EQ(all[2].source, "mqtt");

    auto reader = store::open_reader(dir / "h.db");
    int seen = 0;
    EXPECT_EQ(store::read_activity(reader, a0, a0 + ms_per_day, [&](const activity_record&) { return ++seen < 2; }),
              2U);
}

TEST(store_activity, flush_budget_covers_activity_rows_too) {
    testing::temp_dir dir;
    auto s = store::open(dir / "h.db", {}, a0);
    s->append_event({"plug", "overload", {}, a0});
    for (int i = 0; i < 5; ++i) s->append_activity({a0 + i, "plug", activity_kind::state, "on", i % 2 == 0, "device"});
    EXPECT_EQ(s->flush(3), 3U);  // the event, then two activity rows
    EXPECT_EQ(s->queued(), 3U);
    EXPECT_EQ(read_activity_rows(dir / "h.db", a0, a0 + 10).size(), 2U);
    EXPECT_EQ(s->flush(), 3U);
    EXPECT_EQ(read_activity_rows(dir / "h.db", a0, a0 + 10).size(), 5U);
}

TEST(store_activity, retention_keeps_activity_days) {
    testing::temp_dir dir;
    store_options opts;
    opts.activity_days = 90;
    opts.events_days = 30;
    auto s = store::open(dir / "h.db", opts, a0);
    s->append_activity({a0 - 91 * ms_per_day, "plug", activity_kind::state, "on", true, "device"});
    s->append_activity(
        {a0 - 60 * ms_per_day, "plug", activity_kind::state, "on", false, "device"});  // past events_days
    s->flush();
    for (int i = 0; i < 100 && s->purge_step(a0, 100); ++i) {}
    const auto left = read_activity_rows(dir / "h.db", 0, a0);
    ASSERT_EQ(left.size(), 1U);
    EXPECT_EQ(left[0].value, false);
}

TEST(store_activity, foreign_rows_are_skipped_or_read_as_null) {
    testing::temp_dir dir;
    { auto s = store::open(dir / "h.db", {}, a0); }
    {
        auto raw = sqlite::db::open(dir / "h.db");
        raw.exec("PRAGMA ignore_check_constraints = ON");
        raw.exec(
            "INSERT INTO activity (ts, device_id, kind, name, value, source) VALUES "
            "(1, 'a', 'state', 'on', 'not json', 'device'), (2, 'b', 'future_kind', 'x', '1', 'device')");
    }
    const auto rows = read_activity_rows(dir / "h.db", 0, 10);
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].device_id, "a");
    EXPECT_TRUE(rows[0].value.is_null());
}

TEST(store_activity, kind_names_round_trip) {
    for (auto k : {activity_kind::command, activity_kind::state, activity_kind::event}) {
        EXPECT_EQ(activity_kind_from(to_string(k)), k);
    }
    EXPECT_FALSE(activity_kind_from("State").has_value());
    EXPECT_FALSE(activity_kind_from("").has_value());
}

}  // namespace
}  // namespace hearth
