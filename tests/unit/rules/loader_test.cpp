// Scene loader: the shipped examples, and every kind of error with file, pointer and reason.
#include "demo_devices.hpp"
#include "rules/scene_loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace hearth::rules::testing {
namespace {

using json = nlohmann::json;

load_options with_devices() {
    load_options o;
    o.devices = demo_lookup();
    return o;
}

checked<rule_set> load(const std::vector<std::pair<std::string, json>>& docs, const load_options& o = with_devices()) {
    std::vector<source_file> files;
    for (const auto& [name, doc] : docs) files.push_back({name, doc.dump()});
    return load_scene_sources(files, o);
}

/// True if some error is at `file` + `pointer` and its reason contains `words`.
::testing::AssertionResult has_error(const checked<rule_set>& r, const std::string& file, const std::string& pointer,
                                     const std::string& words) {
    std::string all;
    for (const auto& e : r.error()) {
        if (e.file == file && e.pointer == pointer && e.reason.find(words) != std::string::npos)
            return ::testing::AssertionSuccess();
        all += "\n  " + e.to_string();
    }
    return ::testing::AssertionFailure() << "no error " << file << " " << pointer << " '" << words << "' in:" << all;
}

json automation(json trigger, json action = {{"notify", "x"}}) {
    return {{"automations", {{{"id", "a"}, {"triggers", {std::move(trigger)}}, {"actions", {std::move(action)}}}}}};
}

TEST(scene_loader, shipped_examples_are_valid_against_the_demo_devices) {
    auto r = load_scene_dir(std::filesystem::path(HEARTH_SOURCE_DIR) / "config" / "scenes", with_devices());
    ASSERT_TRUE(r.has_value()) << r.error().front().to_string(scene_labels);
    for (const char* id : {"leave_home", "arrive_home", "night_mode", "washer_finished", "fridge_door_open",
                           "elder_care_inactivity", "washer_delayed_start"})
        EXPECT_TRUE(r->automations.contains(id)) << id;
    EXPECT_TRUE(r->scenes.contains("away"));
}

TEST(scene_loader, schema_file_on_disk_is_the_embedded_one) {
    std::ifstream in(std::filesystem::path(HEARTH_SOURCE_DIR) / "config" / "schema" / "scenes.schema.json");
    EXPECT_EQ(json::parse(in), scenes_schema());
}

TEST(scene_loader, syntax_error_names_line_and_column) {
    auto r = load_scene_sources({{"bad.json", "{\n  \"scenes\": [,]\n}"}}, with_devices());
    ASSERT_FALSE(r.has_value());
    ASSERT_EQ(r.error().size(), 1u);
    EXPECT_EQ(r.error()[0].file, "bad.json");
    EXPECT_EQ(r.error()[0].where().rfind("line 2 column", 0), 0u) << r.error()[0].where();
    EXPECT_EQ(r.error()[0].line, 2);
}

TEST(scene_loader, schema_errors_have_pointers_and_refuse_the_whole_set) {
    json good = automation({{"type", "start"}});
    json bad = {{"automations",
                 {{{"id", "b"},
                   {"mode", "sometimes"},
                   {"triggers", {{{"type", "start"}}}},
                   {"actions", {{{"notify", "x"}}}}}}}};
    auto r = load({{"good.json", good}, {"bad.json", bad}});
    EXPECT_FALSE(r.has_value());  // all or nothing
    EXPECT_TRUE(has_error(r, "bad.json", "/automations/0/mode", ""));
}

TEST(scene_loader, bad_duration_and_time) {
    auto r = load({{"f.json", automation({{"type", "time"}, {"at", "25:00"}})}});
    EXPECT_TRUE(has_error(r, "f.json", "/automations/0/triggers/0/at", "pattern"));
    r = load({{"f.json", automation({{"type", "interval"}, {"every", "1m30h"}})}});
    EXPECT_TRUE(has_error(r, "f.json", "/automations/0/triggers/0/every", "not a duration"));
}

TEST(scene_loader, unknown_device_property_value_command_event) {
    auto r = load({{"f.json", automation({{"type", "state"}, {"device", "garage"}, {"property", "on"}})}});
    EXPECT_TRUE(has_error(r, "f.json", "/automations/0/triggers/0/device", "unknown device 'garage'"));
    r = load({{"f.json", automation({{"type", "state"}, {"device", "hall_lock"}, {"property", "lock_stat"}})}});
    EXPECT_TRUE(has_error(r, "f.json", "/automations/0/triggers/0/property", "did you mean 'lock_state'"));
    r = load({{"f.json",
               automation({{"type", "state"}, {"device", "hall_lock"}, {"property", "lock_state"}, {"to", "open"}})}});
    EXPECT_TRUE(has_error(r, "f.json", "/automations/0/triggers/0/to", "impossible value"));
    r = load({{"f.json", automation({{"type", "start"}}, {{"device", "robot_vacuum"}, {"command", "fly"}})}});
    EXPECT_TRUE(has_error(r, "f.json", "/automations/0/actions/0/command", "fly"));
    r = load({{"f.json", automation({{"type", "start"}}, {{"device", "bedroom_ac"}, {"set", {{"target_temp", 40}}}})}});
    EXPECT_TRUE(has_error(r, "f.json", "/automations/0/actions/0/set", "target_temp"));
    r = load({{"f.json", automation({{"type", "start"}}, {{"device", "kitchen_plug"}, {"set", {{"power_w", 5}}}})}});
    EXPECT_TRUE(has_error(r, "f.json", "/automations/0/actions/0/set", "read-only"));
    r = load(
        {{"f.json", automation({{"type", "event"}, {"device", "bathroom_washer"}, {"event_type", "cycle_finish"}})}});
    EXPECT_TRUE(has_error(r, "f.json", "/automations/0/triggers/0/event_type", "did you mean 'cycle_finished'"));
}

TEST(scene_loader, impossible_ranges) {
    auto r = load({{"f.json", automation({{"type", "numeric"},
                                          {"device", "kitchen_fridge"},
                                          {"property", "fridge_temp"},
                                          {"above", 10},
                                          {"below", 5}})}});
    EXPECT_TRUE(has_error(r, "f.json", "/automations/0/triggers/0", "impossible range"));
    r = load(
        {{"f.json",
          automation({{"type", "numeric"}, {"device", "robot_vacuum"}, {"property", "battery"}, {"above", 100}})}});
    EXPECT_TRUE(has_error(r, "f.json", "/automations/0/triggers/0/above", "maximum"));
    r = load({{"f.json",
               automation({{"type", "numeric"}, {"device", "hall_lock"}, {"property", "lock_state"}, {"above", 1}})}});
    EXPECT_TRUE(has_error(r, "f.json", "/automations/0/triggers/0/property", "numeric"));
}

TEST(scene_loader, duplicate_ids_across_files) {
    json a = {{"scenes", {{{"id", "same"}, {"targets", {{{"device", "living_light"}, {"command", "toggle"}}}}}}}};
    json b = automation({{"type", "start"}});
    b["automations"][0]["id"] = "same";
    auto r = load({{"a.json", a}, {"b.json", b}});
    EXPECT_FALSE(r.has_value());
    EXPECT_TRUE(has_error(r, "b.json", "/automations/0/id", "duplicate id 'same' (first defined in a.json"));
}

TEST(scene_loader, scene_cycles_and_unknown_references) {
    json doc = {{"scenes",
                 {{{"id", "a"}, {"targets", {{{"scene", "b"}}}}},
                  {{"id", "b"}, {"targets", {{{"scene", "c"}}}}},
                  {{"id", "c"}, {"targets", {{{"scene", "a"}}, {{"scene", "nowhere"}}}}}}}};
    auto r = load({{"s.json", doc}});
    EXPECT_FALSE(r.has_value());
    EXPECT_TRUE(has_error(r, "s.json", "/scenes/2/targets/0/scene", "cycle: a -> b -> c -> a"));
    EXPECT_TRUE(has_error(r, "s.json", "/scenes/2/targets/1/scene", "unknown scene 'nowhere'"));
    r = load({{"f.json", automation({{"type", "start"}}, {{"disable", "ghost"}})}});
    EXPECT_TRUE(has_error(r, "f.json", "/automations/0/actions/0/disable", "unknown automation 'ghost'"));
    r = load({{"f.json", automation({{"type", "start"}}, {{"scene", "ghost"}})}});
    EXPECT_TRUE(has_error(r, "f.json", "/automations/0/actions/0/scene", "unknown scene 'ghost'"));
}

TEST(scene_loader, sun_trigger_needs_a_location) {
    auto doc = automation({{"type", "sun"}, {"event", "sunset"}});
    EXPECT_TRUE(has_error(load({{"f.json", doc}}), "f.json", "/automations/0/triggers/0", "location"));
    auto o = with_devices();
    o.have_location = true;
    EXPECT_TRUE(load({{"f.json", doc}}, o).has_value());
}

TEST(scene_loader, without_a_device_lookup_device_checks_are_skipped) {
    auto doc = automation({{"type", "state"}, {"device", "garage"}, {"property", "on"}});
    EXPECT_FALSE(load({{"f.json", doc}}).has_value());
    auto r = load({{"f.json", doc}}, load_options{});
    EXPECT_TRUE(r.has_value());
    // ... but everything else is still checked.
    doc["automations"][0]["triggers"][0]["for"] = "soon";
    EXPECT_FALSE(load({{"f.json", doc}}, load_options{}).has_value());
}

/// A run_when_cheapest action with `changes` applied to a valid one.
json cheapest(const json& changes) {
    json a = {{"device", "bathroom_washer"},
              {"command", "start"},
              {"params", {{"program", "eco"}}},
              {"duration_min", 120},
              {"deadline", "07:00"}};
    a.update(changes);
    return automation({{"type", "start"}}, {{"run_when_cheapest", a}});
}

TEST(scene_loader, run_when_cheapest_is_checked) {
    const std::string at = "/automations/0/actions/0/run_when_cheapest";
    auto r = load({{"f.json", cheapest(json::object())}});
    ASSERT_TRUE(r.has_value()) << r.error().front().to_string();
    const action& act = r->automations.at("a").actions[0];
    EXPECT_EQ(act.type, action_type::run_when_cheapest);
    EXPECT_EQ(act.duration_ms, 120 * 60'000);
    EXPECT_EQ(act.deadline_s, 7 * 3600);
    EXPECT_EQ(act.command.params, json({{"program", "eco"}}));

    r = load({{"f.json", cheapest({{"deadline", "7am"}})}});
    EXPECT_TRUE(has_error(r, "f.json", at + "/deadline", "deadline \"7am\" is not a local time \"HH:MM\""));
    r = load({{"f.json", cheapest({{"deadline", "24:00"}})}});
    EXPECT_TRUE(has_error(r, "f.json", at + "/deadline", "not a local time"));
    r = load({{"f.json", cheapest({{"duration_min", 0}})}});
    EXPECT_TRUE(has_error(r, "f.json", at + "/duration_min", "duration_min must be 1 to 1440 minutes (24 h), got 0"));
    r = load({{"f.json", cheapest({{"duration_min", -5}})}});
    EXPECT_TRUE(has_error(r, "f.json", at + "/duration_min", "got -5"));
    r = load({{"f.json", cheapest({{"duration_min", 1441}})}});
    EXPECT_TRUE(has_error(r, "f.json", at + "/duration_min", "got 1441"));
    EXPECT_TRUE(load({{"f.json", cheapest({{"duration_min", 1440}})}}).has_value());
    r = load({{"f.json", cheapest({{"duration_min", 90.5}})}});
    EXPECT_TRUE(has_error(r, "f.json", at + "/duration_min", "integer"));
    r = load({{"f.json", cheapest({{"device", "garage"}})}});
    EXPECT_TRUE(has_error(r, "f.json", at + "/device", "unknown device 'garage'"));
    r = load({{"f.json", cheapest({{"command", "fly"}})}});
    EXPECT_TRUE(has_error(r, "f.json", at + "/command", "fly"));
    r = load({{"f.json", cheapest({{"params", {{"program", "boil"}}}})}});
    EXPECT_TRUE(has_error(r, "f.json", at + "/command", "boil"));
    json missing = cheapest(json::object());
    missing["automations"][0]["actions"][0]["run_when_cheapest"].erase("deadline");
    r = load({{"f.json", missing}});
    EXPECT_TRUE(has_error(r, "f.json", at, "deadline"));
}

TEST(scene_loader, missing_directory_is_an_empty_set) {
    auto r = load_scene_dir("/nonexistent/hearth/scenes", load_options{});
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->automations.empty());
}

}  // namespace
}  // namespace hearth::rules::testing
