// State, history, events and audit tests: queue + flush + reload, one-transaction flush, history
// queries, durable audit visible to another connection before flush.
#include "store/store.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace hearth {
namespace {

TEST(store_state, queue_flush_reload_restores_current_state) {
    testing::temp_dir dir;
    {
        auto s = store::open(dir / "h.db", {}, test::t0);
        s->upsert_device({"lamp", "demo", {{"caps", {"on"}}}, test::t0});
        s->queue_state("lamp", "on", true, test::t0 + 1);
        s->queue_state("lamp", "brightness", 40, test::t0 + 2);
        s->queue_state("lamp", "brightness", 80, test::t0 + 3);
        s->queue_state("lamp", "color", {{"r", 1}}, test::t0 + 4);
        EXPECT_EQ(s->queued(), 4u);
        EXPECT_TRUE(s->load_current_state().empty());  // nothing visible before flush
        EXPECT_EQ(s->flush(), 4u);
        EXPECT_EQ(s->queued(), 0u);
        s->queue_state("lamp", "brightness", 10, test::t0);  // older than stored: history only
        s->flush();
        s->close();
    }
    auto s = store::open(dir / "h.db", {}, test::t0 + 10);
    EXPECT_TRUE(s->report().previous_stop_clean);
    auto state = s->load_current_state();
    ASSERT_EQ(state.count("lamp"), 1u);
    EXPECT_EQ(state["lamp"]["on"], true);
    EXPECT_EQ(state["lamp"]["brightness"], 80);
    EXPECT_EQ(state["lamp"]["color"]["r"], 1);
    EXPECT_EQ(s->stats().rows["state_history"], 5);
}

TEST(store_state, unflushed_queue_is_flushed_by_destructor) {
    testing::temp_dir dir;
    {
        auto s = store::open(dir / "h.db", {}, test::t0);
        s->queue_state("plug", "power", 12.5, test::t0);
    }
    auto s = store::open(dir / "h.db", {}, test::t0);
    EXPECT_EQ(s->load_current_state()["plug"]["power"], 12.5);
}

TEST(store_state, history_query_returns_range_in_order_with_limit) {
    testing::temp_dir dir;
    auto s = store::open(dir / "h.db", {}, test::t0);
    for (int i = 0; i < 10; ++i) s->queue_state("plug", "power", i * 1.5, test::t0 + i * 1000);
    s->queue_state("plug", "mode", "eco", test::t0);
    s->flush();
    auto points = s->query_history("plug", "power", test::t0 + 2000, test::t0 + 6000, 100);
    ASSERT_EQ(points.size(), 5u);
    EXPECT_EQ(points.front().ts, test::t0 + 2000);
    EXPECT_DOUBLE_EQ(points.front().value.get<double>(), 3.0);
    EXPECT_FALSE(points.front().downsampled);
    EXPECT_EQ(s->query_history("plug", "power", test::t0, test::t0 + 9000, 3).size(), 3u);
    auto mode = s->query_history("plug", "mode", test::t0, test::t0, 10);
    ASSERT_EQ(mode.size(), 1u);
    EXPECT_EQ(mode[0].value, "eco");
}

TEST(store_state, events_are_written_by_flush) {
    testing::temp_dir dir;
    auto s = store::open(dir / "h.db", {}, test::t0);
    s->append_event({"button", "pressed", {{"n", 2}}, test::t0 + 5});
    EXPECT_TRUE(s->query_events("", test::t0, test::t0 + 10, 10).empty());
    s->flush();
    auto events = s->query_events("button", test::t0, test::t0 + 10, 10);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].payload["n"], 2);
}

TEST(store_state, audit_is_committed_before_append_returns) {
    testing::temp_dir dir;
    auto s = store::open(dir / "h.db", {}, test::t0);
    s->queue_state("door", "locked", true, test::t0);  // queued, must not ride along
    audit_record rec;
    rec.ts = test::t0;
    rec.actor = "alice";
    rec.source = "mqtt";
    rec.action = "lock.unlock";
    rec.target = "door";
    rec.result = "ok";
    rec.detail = {{"txn", "abc"}};
    auto id = s->append_audit(rec);
    EXPECT_GT(id, 0);
    auto other = sqlite::db::open(dir / "h.db", true);  // an independent reader sees it now
    EXPECT_EQ(other.query_int("SELECT count(*) FROM audit_log"), 1);
    EXPECT_EQ(other.query_int("SELECT count(*) FROM current_state"), 0);
    EXPECT_EQ(other.query_text("PRAGMA journal_mode"), "wal");
    auto listed = s->list_audit(10);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].actor, "alice");
    EXPECT_EQ(listed[0].detail["txn"], "abc");
    auto writer = sqlite::db::open(dir / "h.db");
    EXPECT_THROW(writer.exec("UPDATE audit_log SET result = 'x'"), sqlite::error);  // append-only
}

TEST(store_state, remove_device_drops_state_and_discovery_hash) {
    testing::temp_dir dir;
    auto s = store::open(dir / "h.db", {}, test::t0);
    s->upsert_device({"lamp", "demo", {}, test::t0});
    s->set_discovery_hash("lamp", "h1");
    s->queue_state("lamp", "on", true, test::t0);
    s->flush();
    EXPECT_EQ(s->discovery_hash("lamp"), "h1");
    EXPECT_TRUE(s->remove_device("lamp"));
    EXPECT_FALSE(s->remove_device("lamp"));
    EXPECT_TRUE(s->load_current_state().empty());
    EXPECT_FALSE(s->discovery_hash("lamp").has_value());
}

}  // namespace
}  // namespace hearth
