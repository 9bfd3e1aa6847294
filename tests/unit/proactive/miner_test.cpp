// The routine miner on the simulated household: recall ≥ 80 % and precision ≥ 90 % per kind over
// several seeds, the same through a real store, rule-issued commands never mined, hostile records.
#include "household_sim.hpp"
#include "proactive/routine_miner.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

#include <hearth/testing/temp_dir.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <iostream>

namespace hearth::proactive {
namespace {

using json = nlohmann::json;

class miner_test : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv("TZ", "Europe/Berlin", 1);
        ::tzset();
    }
};

void expect_thresholds(const test::household_score& s, std::uint64_t seed) {
    // The table in docs/proactive.md comes from these lines.
    std::cout << "seed " << seed << " | time " << s.time.planted_found << "/" << s.time.planted << " found, "
              << s.time.mined_matching << "/" << s.time.mined << " right | sequences " << s.sequences.planted_found
              << "/" << s.sequences.planted << " found, " << s.sequences.mined_matching << "/" << s.sequences.mined
              << " right\n";
    EXPECT_GE(s.time.recall(), 0.8) << "seed " << seed;
    EXPECT_GE(s.time.precision(), 0.9) << "seed " << seed;
    EXPECT_GE(s.sequences.recall(), 0.8) << "seed " << seed;
    EXPECT_GE(s.sequences.precision(), 0.9) << "seed " << seed;
    EXPECT_GE(s.total().recall(), 0.8) << "seed " << seed;
    EXPECT_GE(s.total().precision(), 0.9) << "seed " << seed;
}

TEST_F(miner_test, finds_the_planted_routines_of_the_household) {
    for (std::uint64_t seed : {1U, 2U, 3U, 4U, 5U}) {
        auto sim = test::simulate_household(seed);
        ASSERT_EQ(sim.devices.size(), 100U);
        auto found = test::mine(sim);
        EXPECT_EQ(found.records, sim.records.size());
        EXPECT_EQ(found.ignored, 0U);
        expect_thresholds(test::score(sim, found), seed);
    }
}

TEST_F(miner_test, reads_the_household_from_a_real_store) {
    auto sim = test::simulate_household(11);
    hearth::testing::temp_dir tmp("proactive-store");
    const auto db = tmp.path() / "hearth.db";
    {
        auto st = store::open(db, {}, sim.to);
        for (const auto& r : sim.records) st->append_activity(r);
        st->flush();
        st->close();
    }
    auto reader = store::open_reader(db);
    routine_miner miner;
    auto passed = store::read_activity(reader, sim.from, sim.to, [&](const activity_record& r) {
        miner.add(r);
        return true;
    });
    EXPECT_EQ(passed, sim.records.size());
    auto found = miner.finish(sim.devices, sim.from, sim.to);
    expect_thresholds(test::score(sim, found), 11);
    auto direct = test::mine(sim);
    EXPECT_EQ(found.time.size(), direct.time.size());
    EXPECT_EQ(found.sequences.size(), direct.sequences.size());
}

TEST_F(miner_test, finds_routines_around_midnight_and_on_weekday_classes) {
    auto sim = test::simulate_household(3);
    auto found = test::mine(sim);
    auto has = [&](const std::string& device, day_class days, int lo_s, int hi_s) {
        return std::any_of(found.time.begin(), found.time.end(), [&](const time_routine& r) {
            return r.action.device == device && r.days == days && r.at_s >= lo_s && r.at_s <= hi_s;
        });
    };
    EXPECT_TRUE(has("light_05", day_class::every_day, 0, 30 * 60) ||
                has("light_05", day_class::every_day, 23 * 3600 + 55 * 60, 86'400));
    EXPECT_TRUE(has("plug_00", day_class::weekdays, 6 * 3600 + 35 * 60, 7 * 3600 + 5 * 60));
    EXPECT_TRUE(has("light_03", day_class::weekend, 9 * 3600 + 15 * 60, 9 * 3600 + 45 * 60));
    for (const auto& r : found.time) {
        EXPECT_LE(r.support_days, r.class_days);
        EXPECT_GE(r.confidence, 0.7);
        EXPECT_FALSE(r.examples.empty());
        EXPECT_LE(r.examples.size(), 5U);
    }
    for (const auto& s : found.sequences) {
        EXPECT_LE(s.within_s, 120);
        EXPECT_GE(s.lift, 5.0);
        EXPECT_LE(s.support, s.trigger_count);
    }
}

TEST_F(miner_test, never_mines_what_rules_do) {
    auto sim = test::simulate_household(5);
    auto found = test::mine(sim);
    for (const auto& device : sim.rule_devices) {
        for (const auto& r : found.time) EXPECT_NE(r.action.device, device);
        for (const auto& s : found.sequences) EXPECT_NE(s.action.device, device);
    }
    // Same data with the rule commands' source changed to a user's: now they are routines.
    for (auto& r : sim.records)
        if (r.source == "rule") r.source = "mqtt";
    auto as_user = test::mine(sim);
    EXPECT_TRUE(std::any_of(as_user.time.begin(), as_user.time.end(),
                            [](const time_routine& r) { return r.action.device == "light_13"; }));
}

TEST_F(miner_test, an_uncommanded_change_of_a_writable_property_is_an_action_a_commanded_one_is_not) {
    test::household_sim sim = test::simulate_household(1, 1);
    const time_ms day = 86'400'000;
    std::vector<activity_record> records;
    for (int d = 0; d < 20; ++d) {
        const time_ms t = sim.from + d * day + 19 * 3'600'000;
        records.push_back({t, "switch_05", activity_kind::state, "on", true, "device"});  // the wall switch
        records.push_back({t, "light_20", activity_kind::command, "turn_on", json::object(), "rule"});
        records.push_back({t + 1000, "light_20", activity_kind::state, "on", true, "device"});  // caused by the rule
    }
    routine_miner miner;
    for (const auto& r : records) miner.add(r);
    auto found = miner.finish(sim.devices, sim.from, sim.from + 20 * day);
    ASSERT_EQ(found.time.size(), 1U);
    EXPECT_EQ(found.time[0].action.device, "switch_05");
    EXPECT_EQ(found.time[0].action.command, "set");
    EXPECT_EQ(found.time[0].action.params, json({{"on", true}}));
    EXPECT_EQ(found.time[0].days, day_class::every_day);
    EXPECT_EQ(found.time[0].at_s, 19 * 3600);
    EXPECT_EQ(found.time[0].support_days, 20);
    EXPECT_EQ(found.time[0].class_days, 20);
}

TEST_F(miner_test, hostile_records_do_not_crash_and_are_counted) {
    auto sim = test::simulate_household(1, 2);
    routine_miner miner;
    const time_ms t = sim.from + 1000;
    std::vector<activity_record> bad = {
        {t, "light_00", activity_kind::state, "on", nullptr, "device"},
        {t, "no_such_device", activity_kind::command, "turn_on", json::object(), "mqtt"},
        {t, "", activity_kind::command, "turn_on", json::object(), "mqtt"},
        {t, "light_00", activity_kind::command, "", json::object(), "mqtt"},
        {t, "light_00", activity_kind::command, "set", json{{"brightness", std::string(100'000, 'x')}}, "mqtt"},
        {t, "light_00", activity_kind::command, "set", json::array({1, 2}), "mqtt"},
        {t, "light_00", activity_kind::command, "set", json{{"nope", true}}, "mqtt"},
        {t, "light_00", activity_kind::command, "turn_on", "text", "hearthctl"},
        {t, "light_00", activity_kind::state, "on", json::array(), "device"},
        {t, "light_00", activity_kind::state, "brightness", 1e308, "device"},
        {t, "light_00", activity_kind::state, "no_prop", true, "device"},
        {t, "light_00", static_cast<activity_kind>(42), "on", true, "device"},
        {t, "camera_0", activity_kind::event, "unknown_event", json{{"x", "\xff\xfe"}}, "device"},
        {t, "camera_0", activity_kind::event, "doorbell", json{{"who", std::string("\xc3\x28")}}, "device"},
        {-5, "light_00", activity_kind::command, "turn_on", json::object(), "mqtt"},
        {std::numeric_limits<time_ms>::max(), "light_00", activity_kind::command, "turn_on", json::object(), "mqtt"},
        {t, std::string(10'000, 'd'), activity_kind::command, "turn_on", json::object(), "mqtt"},
    };
    for (const auto& r : bad) miner.add(r);
    auto found = miner.finish(sim.devices, sim.from, sim.to);
    EXPECT_EQ(found.records, bad.size());
    EXPECT_GE(found.ignored, 5U);
    EXPECT_TRUE(found.time.empty());
    EXPECT_TRUE(found.sequences.empty());
    // finish() on nothing, and on an empty or inverted window.
    routine_miner empty;
    EXPECT_TRUE(empty.finish(sim.devices, sim.from, sim.to).time.empty());
    EXPECT_TRUE(miner.finish({}, sim.to, sim.from).time.empty());
}

TEST_F(miner_test, records_past_max_records_are_counted_and_ignored) {
    auto sim = test::simulate_household(2, 10);
    miner_options options;
    options.max_records = 1000;
    routine_miner miner(options);
    for (const auto& r : sim.records) miner.add(r);
    auto found = miner.finish(sim.devices, sim.from, sim.to);
    ASSERT_GT(sim.records.size(), 1000U);
    EXPECT_EQ(found.records, sim.records.size());
    EXPECT_EQ(found.ignored, sim.records.size() - 1000);
}

TEST_F(miner_test, distinct_values_past_the_pool_are_ignored_not_grown) {
    auto sim = test::simulate_household(2, 1);
    routine_miner miner;
    for (int i = 0; i < 70'000; ++i)
        miner.add({sim.from + i, "light_00", activity_kind::command, "set", json{{"brightness", i}}, "mqtt"});
    auto found = miner.finish(sim.devices, sim.from, sim.to);
    EXPECT_EQ(found.records, 70'000U);
    EXPECT_EQ(found.ignored, 70'000U - 0xFFFFU);
}

}  // namespace
}  // namespace hearth::proactive
