// Lock safety state in the store: counters and timers persist across reopen, and attempts without
// an outcome are found once.
#include "store/store.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace hearth {
namespace {

using test::t0;

TEST(store_locks, counters_and_timers_survive_reopen) {
    testing::temp_dir dir;
    {
        auto s = store::open(dir / "h.db", {}, t0);
        s->save_lock_counters({"hall_lock", 2, t0, 0});
        s->save_lock_counters({"hall_lock", 3, t0 + 1, t0 + 60'000});
        s->save_lock_timer({"hall_lock", "relock", t0 + 5000});
        s->save_lock_timer({"hall_lock", "left_unlocked", t0 + 9000});
        s->remove_lock_timer("hall_lock", "left_unlocked");
        EXPECT_THROW(s->save_lock_timer({"hall_lock", "bogus", t0}), sqlite::error);
    }
    auto s = store::open(dir / "h.db", {}, t0);
    auto counters = s->load_lock_counters();
    ASSERT_EQ(counters.size(), 1u);
    EXPECT_EQ(counters[0].wrong, 3);
    EXPECT_EQ(counters[0].locked_out_until, t0 + 60'000);
    auto timers = s->load_lock_timers();
    ASSERT_EQ(timers.size(), 1u);
    EXPECT_EQ(timers[0].kind, "relock");
    EXPECT_EQ(timers[0].due_ts, t0 + 5000);
}

TEST(store_locks, open_attempts_are_found_once) {
    testing::temp_dir dir;
    auto s = store::open(dir / "h.db", {}, t0);
    s->append_audit({0, t0, "hearth", "mqtt", "lock.unlock", "hall_lock", "attempt", {{"op", "a"}}});
    s->append_audit({0, t0 + 1, "hearth", "mqtt", "lock.unlock", "hall_lock", "ok", {{"op", "a"}}});
    s->append_audit({0, t0 + 2, "hearth", "mqtt", "lock.unlatch", "hall_lock", "attempt", {{"op", "b"}}});
    s->append_audit({0, t0 + 3, "hearth", "mqtt", "lock.unlock", "back_door", "denied", nlohmann::json::object()});
    auto open = s->take_open_lock_attempts();
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(open[0].action, "lock.unlatch");
    EXPECT_EQ(open[0].detail["op"], "b");
    s->append_audit({0, t0 + 4, "hearth", "mqtt", "lock.unlatch", "hall_lock", "unknown", {{"op", "b"}}});
    EXPECT_TRUE(s->take_open_lock_attempts().empty());
}

}  // namespace
}  // namespace hearth
