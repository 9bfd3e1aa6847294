// Suggestions: the exact scene file and sentence of a time and a sequence routine, every
// suggestion of the household loads with the scene loader and the devices, the safety filter, and
// stable ids.
#include "household_sim.hpp"
#include "proactive/suggestions.hpp"
#include "rules/scene_loader.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <regex>
#include <set>

namespace hearth::proactive {
namespace {

using json = nlohmann::json;

class suggestions_test : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv("TZ", "Europe/Berlin", 1);
        ::tzset();
    }
};

const std::map<std::string, device_descriptor>& devices() {
    static const auto sim = test::simulate_household(1, 1);
    return sim.devices;
}

rules::load_options with_devices() {
    rules::load_options o;
    o.devices = [](const std::string& id) -> const device_descriptor* {
        auto it = devices().find(id);
        return it == devices().end() ? nullptr : &it->second;
    };
    return o;
}

const device_descriptor& device(const std::string& id) { return devices().at(id); }

TEST_F(suggestions_test, a_time_routine_becomes_this_exact_scene_file) {
    mined_routines found;
    // 2026-01-05 18:41 and 2026-01-06 18:38 in Berlin (UTC+1).
    found.time.push_back({{"light_00", "set", {{"on", true}}},
                          day_class::weekdays,
                          18 * 3600 + 40 * 60,
                          240,
                          22,
                          25,
                          22.0 / 25,
                          {1'767'634'860'000, 1'767'721'080'000}});
    auto s = make_suggestions(found, devices());
    ASSERT_EQ(s.size(), 1U);
    EXPECT_TRUE(std::regex_match(s[0].id, std::regex("r-[0-9a-f]{10}")));
    EXPECT_EQ(s[0].kind, "time");
    EXPECT_EQ(s[0].sentence, "Turn on Light 0 at about 18:40 on weekdays: you did so on 22 of the last 25 weekdays.");
    const json expected = {
        {"description", "Suggested by Hearth from your routines: " + s[0].sentence},
        {"automations",
         {{{"id", s[0].id},
           {"name", "Turn on Light 0 at 18:40"},
           {"description", s[0].sentence},
           {"triggers", {{{"type", "time"}, {"at", "18:40"}, {"days", {"mon", "tue", "wed", "thu", "fri"}}}}},
           {"actions", {{{"device", "light_00"}, {"set", {{"on", true}}}}}}}}}};
    EXPECT_EQ(s[0].scene_file, expected) << s[0].scene_file.dump(2);
    EXPECT_EQ(s[0].evidence["support_days"], 22);
    EXPECT_EQ(s[0].evidence["class_days"], 25);
    EXPECT_EQ(s[0].evidence["days"], "weekdays");
    EXPECT_EQ(s[0].evidence["spread_min"], 4);
    EXPECT_EQ(s[0].evidence["examples"], json::array({"2026-01-05T18:41:00+01:00", "2026-01-06T18:38:00+01:00"}));
    EXPECT_EQ(s[0].evidence["activity_kinds"], json::array({"command", "state"}));
}

TEST_F(suggestions_test, a_sequence_becomes_this_exact_scene_file) {
    mined_routines found;
    found.sequences.push_back({{"lock_1", activity_kind::state, "lock_state", "unlocked"},
                               {"light_06", "set", {{"on", true}}},
                               95,
                               19,
                               21,
                               19.0 / 21,
                               40.5,
                               {1'767'634'860'000}});
    found.sequences.push_back({{"button_0", activity_kind::event, "press", {{"action", "single"}}},
                               {"plug_02", "toggle", json::object()},
                               30,
                               50,
                               52,
                               50.0 / 52,
                               90,
                               {}});
    auto s = make_suggestions(found, devices());
    ASSERT_EQ(s.size(), 2U);
    EXPECT_EQ(s[0].sentence,
              "Toggle Plug 2 when Button 0 reports press (action single): you did so within 30 s on 50 "
              "of the last 52 times.");
    EXPECT_EQ(s[1].sentence,
              "Turn on Light 6 when Lock 1's lock_state becomes unlocked: you did so within 2 min on 19 "
              "of the last 21 times.");
    const json expected = {
        {"description", "Suggested by Hearth from your routines: " + s[1].sentence},
        {"automations",
         {{{"id", s[1].id},
           {"name", "Turn on Light 6 when Lock 1's lock_state becomes unlocked"},
           {"description", s[1].sentence},
           {"triggers", {{{"type", "state"}, {"device", "lock_1"}, {"property", "lock_state"}, {"to", "unlocked"}}}},
           {"actions", {{{"device", "light_06"}, {"set", {{"on", true}}}}}}}}}};
    EXPECT_EQ(s[1].scene_file, expected) << s[1].scene_file.dump(2);
    EXPECT_EQ(
        s[0].scene_file["automations"][0]["triggers"][0],
        json({{"type", "event"}, {"device", "button_0"}, {"event_type", "press"}, {"data", {{"action", "single"}}}}));
    EXPECT_EQ(s[0].scene_file["automations"][0]["actions"][0], json({{"device", "plug_02"}, {"command", "toggle"}}));
    EXPECT_EQ(s[1].evidence["lift"], 40.5);
    EXPECT_EQ(s[1].evidence["activity_kinds"], json::array({"state", "command"}));
}

TEST_F(suggestions_test, every_household_suggestion_loads_with_the_devices_and_none_is_unsafe) {
    for (std::uint64_t seed : {1U, 2U}) {
        auto sim = test::simulate_household(seed);
        auto found = test::mine(sim);
        // The unsafe routine is found (it is a routine) but never suggested.
        EXPECT_TRUE(std::any_of(found.time.begin(), found.time.end(),
                                [](const time_routine& r) { return r.action.device == "lock_0"; }));
        auto suggestions = make_suggestions(found, sim.devices);
        EXPECT_GE(suggestions.size(), 18U);
        std::vector<rules::source_file> files;
        std::set<std::string> ids;
        for (const auto& s : suggestions) {
            SCOPED_TRACE(s.sentence);
            EXPECT_TRUE(ids.insert(s.id).second);
            const rules::source_file file{s.id + ".json", s.scene_file.dump()};
            auto one = rules::load_scene_sources(std::vector<rules::source_file>{file}, with_devices());
            EXPECT_TRUE(one.has_value()) << (one ? "" : one.error().front().to_string());
            files.push_back(file);
            for (const auto& action : s.scene_file["automations"][0]["actions"]) {
                const std::string id = action.value("device", "");
                EXPECT_NE(device(id).type, device_type::lock);
                EXPECT_NE(device(id).type, device_type::camera);
            }
            EXPECT_FALSE(s.evidence["examples"].empty());
            EXPECT_TRUE(s.evidence.contains("confidence"));
        }
        EXPECT_TRUE(rules::load_scene_sources(files, with_devices()).has_value());
        // Deterministic: the same data gives the same suggestions (ids included).
        auto again = make_suggestions(test::mine(sim), sim.devices);
        ASSERT_EQ(again.size(), suggestions.size());
        for (std::size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].id, suggestions[i].id);
    }
}

TEST_F(suggestions_test, the_safety_filter) {
    const json none = json::object();
    EXPECT_TRUE(unsafe_to_suggest(device("lock_0"), {"lock_0", "unlock", none}));
    EXPECT_TRUE(unsafe_to_suggest(device("lock_0"), {"lock_0", "unlatch", none}));
    EXPECT_TRUE(unsafe_to_suggest(device("lock_0"), {"lock_0", "set", {{"auto_relock_s", 0}}}));
    EXPECT_FALSE(unsafe_to_suggest(device("lock_0"), {"lock_0", "lock", none}));
    EXPECT_TRUE(unsafe_to_suggest(device("lock_0"), {"lock_0", "lock", {{"code", "1234"}}}));
    EXPECT_TRUE(unsafe_to_suggest(device("camera_0"), {"camera_0", "set_privacy", {{"on", true}}}));
    EXPECT_TRUE(unsafe_to_suggest(device("camera_0"), {"camera_0", "set", {{"privacy_mode", false}}}));
    EXPECT_FALSE(unsafe_to_suggest(device("camera_0"), {"camera_0", "snapshot", none}));
    EXPECT_FALSE(unsafe_to_suggest(device("light_00"), {"light_00", "set", {{"on", true}}}));
    EXPECT_FALSE(unsafe_to_suggest(device("light_00"), {"light_00", "turn_on", {{"brightness", 30}}}));
    // Alarms and security on any device: disabling is refused, enabling is not.
    EXPECT_TRUE(unsafe_to_suggest(device("plug_00"), {"plug_00", "set", {{"alarm_enabled", false}}}));
    EXPECT_TRUE(unsafe_to_suggest(device("plug_00"), {"plug_00", "set", {{"security_mode", "off"}}}));
    EXPECT_TRUE(unsafe_to_suggest(device("plug_00"), {"plug_00", "set", {{"armed", "disarmed"}}}));
    EXPECT_TRUE(unsafe_to_suggest(device("plug_00"), {"plug_00", "disarm", none}));
    EXPECT_TRUE(unsafe_to_suggest(device("plug_00"), {"plug_00", "disable_siren", none}));
    EXPECT_TRUE(unsafe_to_suggest(device("plug_00"), {"plug_00", "set", {{"mode", "disarm_all"}}}));
    EXPECT_FALSE(unsafe_to_suggest(device("plug_00"), {"plug_00", "set", {{"alarm_enabled", true}}}));
    EXPECT_TRUE(unsafe_to_suggest(device("plug_00"), {"plug_00", "set", json::array({1})}));
    // A mined unlock routine yields no suggestion.
    mined_routines found;
    found.time.push_back({{"lock_0", "unlock", none}, day_class::weekdays, 7 * 3600 + 1800, 300, 40, 43, 0.93, {}});
    found.sequences.push_back({{"motion_00", activity_kind::state, "on", true},
                               {"camera_0", "set_privacy", {{"on", false}}},
                               30,
                               20,
                               21,
                               0.95,
                               50,
                               {}});
    EXPECT_TRUE(make_suggestions(found, devices()).empty());
}

TEST_F(suggestions_test, findings_on_unknown_devices_or_that_do_not_load_are_dropped) {
    mined_routines found;
    found.time.push_back({{"gone", "set", {{"on", true}}}, day_class::every_day, 3600, 0, 10, 10, 1.0, {}});
    found.time.push_back({{"light_00", "set", {{"brightness", 500}}}, day_class::every_day, 3600, 0, 10, 10, 1.0, {}});
    found.sequences.push_back(
        {{"gone", activity_kind::state, "on", true}, {"light_00", "set", {{"on", true}}}, 30, 20, 21, 0.95, 50, {}});
    EXPECT_TRUE(make_suggestions(found, devices()).empty());
}

TEST_F(suggestions_test, ids_are_stable_within_the_quarter_hour_and_differ_between_routines) {
    mined_routines a, b;
    const action_key porch{"light_00", "set", {{"on", true}}};
    a.time.push_back({porch, day_class::every_day, 18 * 3600 + 38 * 60, 0, 20, 25, 0.8, {}});
    b.time.push_back({porch, day_class::every_day, 18 * 3600 + 42 * 60, 0, 21, 25, 0.84, {}});
    b.time.push_back({porch, day_class::weekend, 18 * 3600 + 42 * 60, 0, 8, 9, 0.88, {}});
    auto sa = make_suggestions(a, devices());
    auto sb = make_suggestions(b, devices());
    ASSERT_EQ(sa.size(), 1U);
    ASSERT_EQ(sb.size(), 2U);
    EXPECT_TRUE(sa[0].id == sb[0].id || sa[0].id == sb[1].id);
    EXPECT_NE(sb[0].id, sb[1].id);
}

}  // namespace
}  // namespace hearth::proactive
