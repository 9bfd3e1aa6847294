// Rules/scenes CRUD, pending timers, bounded traces, discovery hashes, meta and stats.
#include "store/store.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace hearth {
namespace {

using test::t0;

TEST(store_rules, rule_crud_and_enable) {
    testing::temp_dir dir;
    auto s = store::open(dir / "h.db", {}, t0);
    s->upsert_rule({"evening", "scene", "scenes/evening.json", {{"lights", 3}}, true, t0});
    s->upsert_rule({"motion", "automation", "scenes/motion.json", {}, true, t0});
    s->upsert_rule({"evening", "scene", "scenes/evening.json", {{"lights", 4}}, true, t0 + 1});
    auto rules = s->load_rules();
    ASSERT_EQ(rules.size(), 2u);
    EXPECT_EQ(rules[0].id, "evening");
    EXPECT_EQ(rules[0].definition["lights"], 4);
    EXPECT_TRUE(s->set_rule_enabled("motion", false, t0 + 2));
    EXPECT_FALSE(s->load_rules()[1].enabled);
    EXPECT_THROW(s->upsert_rule({"bad", "other", "", {}, true, t0}), sqlite::error);
    EXPECT_TRUE(s->remove_rule("evening"));
    EXPECT_FALSE(s->remove_rule("evening"));
}

TEST(store_rules, timers_crud_and_cascade) {
    testing::temp_dir dir;
    auto s = store::open(dir / "h.db", {}, t0);
    s->upsert_rule({"motion", "automation", "m.json", {}, true, t0});
    s->upsert_timer({"motion", "run-2", t0 + 2000, {{"step", 2}}});
    s->upsert_timer({"motion", "run-1", t0 + 1000, {{"step", 1}}});
    s->upsert_timer({"motion", "run-2", t0 + 500, {{"step", 3}}});
    auto timers = s->load_timers();
    ASSERT_EQ(timers.size(), 2u);
    EXPECT_EQ(timers[0].run_id, "run-2");
    EXPECT_EQ(timers[0].payload["step"], 3);
    EXPECT_TRUE(s->remove_timer("motion", "run-1"));
    EXPECT_THROW(s->upsert_timer({"no-such-rule", "r", t0, {}}), sqlite::error);
    s->remove_rule("motion");
    EXPECT_TRUE(s->load_timers().empty());
}

TEST(store_rules, traces_are_bounded_per_rule) {
    testing::temp_dir dir;
    store_options opts;
    opts.traces_per_rule = 3;
    auto s = store::open(dir / "h.db", opts, t0);
    s->upsert_rule({"a", "automation", "a.json", {}, true, t0});
    s->upsert_rule({"b", "automation", "b.json", {}, true, t0});
    for (int i = 1; i <= 5; ++i) s->append_trace({"a", "run-" + std::to_string(i), t0 + i, {{"i", i}}});
    for (int i = 1; i <= 2; ++i) s->append_trace({"b", "run-" + std::to_string(i), t0 + i, {}});
    auto a = s->list_traces("a", 10);
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a[0].run_id, "run-5");
    EXPECT_EQ(a[2].run_id, "run-3");
    EXPECT_EQ(s->list_traces("b", 10).size(), 2u);
    EXPECT_EQ(s->stats().rows["rule_traces"], 5);
}

TEST(store_rules, meta_and_discovery_hash_roundtrip) {
    testing::temp_dir dir;
    auto s = store::open(dir / "h.db", {}, t0);
    EXPECT_FALSE(s->meta("k").has_value());
    s->set_meta("k", "v1");
    s->set_meta("k", "v2");
    EXPECT_EQ(s->meta("k"), "v2");
    s->upsert_device({"lamp", "demo", {}, t0});
    s->set_discovery_hash("lamp", "abc");
    s->set_discovery_hash("lamp", "def");
    EXPECT_EQ(s->discovery_hash("lamp"), "def");
    EXPECT_THROW(s->set_discovery_hash("ghost", "x"), sqlite::error);
}

}  // namespace
}  // namespace hearth
