// The uplink's durable outbox in the store (store_outbox.cpp): order of sending (alarms first,
// oldest first), the bounds and their drop policy (oldest low, then oldest normal, alarms never),
// row ids never reused, the boot id kept, and rows surviving a reopen.
#include "store/store.hpp"

#include <hearth/testing/temp_dir.hpp>

#include <gtest/gtest.h>

namespace {

using hearth::outbox_bounds;
using hearth::store;

constexpr hearth::time_ms t0 = 1'704'067'200'000;

struct outbox_fixture : ::testing::Test {
    hearth::testing::temp_dir dir{"outbox"};
    std::unique_ptr<store> db = open();

    std::unique_ptr<store> open() { return store::open(dir.path() / "hearth.db", hearth::store_options{}, t0); }

    std::int64_t add(const std::string& kind, int priority, outbox_bounds bounds = {}, std::size_t bytes = 10) {
        auto r = db->outbox_append(
            kind, priority, t0, [&](std::int64_t id) { return std::to_string(id) + std::string(bytes, 'x'); }, bounds);
        dropped += r.dropped;
        return r.id;
    }

    std::vector<std::string> kinds(std::size_t limit = 1000) {
        std::vector<std::string> out;
        for (const auto& r : db->outbox_next(limit, {})) out.push_back(r.kind);
        return out;
    }

    std::int64_t dropped = 0;
};

TEST_F(outbox_fixture, alarms_go_first_then_normal_then_low_oldest_first) {
    add("health", hearth::outbox_low);
    const auto a1 = add("alarm", hearth::outbox_alarm);
    add("response", hearth::outbox_normal);
    const auto a2 = add("alarm", hearth::outbox_alarm);
    const auto rows = db->outbox_next(10, {});
    ASSERT_EQ(rows.size(), 4U);
    EXPECT_EQ(rows[0].id, a1);
    EXPECT_EQ(rows[1].id, a2);
    EXPECT_EQ(rows[2].kind, "response");
    EXPECT_EQ(rows[3].kind, "health");
    EXPECT_EQ(rows[0].payload, std::to_string(a1) + std::string(10, 'x'));  // the payload names its row
    // In-flight rows are skipped; the limit still fills up.
    const auto next = db->outbox_next(2, {a1});
    ASSERT_EQ(next.size(), 2U);
    EXPECT_EQ(next[0].id, a2);
    EXPECT_EQ(next[1].kind, "response");
}

TEST_F(outbox_fixture, over_max_messages_the_oldest_low_then_normal_go_and_alarms_never) {
    const outbox_bounds bounds{5, 0};
    add("health", hearth::outbox_low, bounds);
    add("energy_daily", hearth::outbox_normal, bounds);
    add("health", hearth::outbox_low, bounds);
    add("energy_daily", hearth::outbox_normal, bounds);
    add("alarm", hearth::outbox_alarm, bounds);
    EXPECT_EQ(dropped, 0);
    add("alarm", hearth::outbox_alarm, bounds);  // 6 > 5: the oldest low goes
    EXPECT_EQ(dropped, 1);
    add("alarm", hearth::outbox_alarm, bounds);  // the other low
    add("alarm", hearth::outbox_alarm, bounds);  // then the oldest normal
    EXPECT_EQ(dropped, 3);
    EXPECT_EQ(kinds(), (std::vector<std::string>{"alarm", "alarm", "alarm", "alarm", "energy_daily"}));
    for (int i = 0; i < 20; ++i) add("alarm", hearth::outbox_alarm, bounds);  // alarms only: kept, over the bound
    EXPECT_EQ(dropped, 4);
    EXPECT_EQ(db->outbox_stats().messages, 24);
    // A low row that does not fit while only alarms are left goes itself.
    EXPECT_EQ(add("health", hearth::outbox_low, bounds), 0);
    EXPECT_EQ(db->outbox_stats().messages, 24);
}

TEST_F(outbox_fixture, max_bytes_is_kept_the_same_way) {
    const outbox_bounds bounds{0, 1000};
    for (int i = 0; i < 5; ++i) add("health", hearth::outbox_low, bounds, 150);
    EXPECT_EQ(dropped, 0);
    add("alarm", hearth::outbox_alarm, bounds, 400);
    EXPECT_GE(dropped, 2);
    EXPECT_LE(db->outbox_stats().bytes, 1000);
    EXPECT_EQ(kinds().front(), "alarm");
}

TEST_F(outbox_fixture, rows_survive_a_reopen_ids_are_never_reused_and_the_boot_id_is_kept) {
    const std::string boot = db->outbox_boot_id();
    EXPECT_EQ(boot.size(), 16U);
    add("alarm", hearth::outbox_alarm);
    const auto last = add("alarm", hearth::outbox_alarm);
    EXPECT_TRUE(db->outbox_remove(last));
    EXPECT_FALSE(db->outbox_remove(last));
    db->close();
    db.reset();
    db = open();
    EXPECT_EQ(db->outbox_boot_id(), boot);
    EXPECT_EQ(db->outbox_stats().messages, 1);
    EXPECT_GT(add("alarm", hearth::outbox_alarm), last);  // AUTOINCREMENT: the deleted id is not reused
}

}  // namespace
