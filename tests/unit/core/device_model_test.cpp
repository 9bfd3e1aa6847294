// Tests of descriptor validation and value checks.
#include "core/device_model.hpp"

#include <gtest/gtest.h>

using json = nlohmann::json;

namespace {
json light() {
    return json::parse(R"({"id":"living_light","name":"Living light","type":"light",
      "properties":{"on":{"type":"bool","writable":true},
                    "brightness":{"type":"int","min":0,"max":100,"unit":"%","writable":true},
                    "color_temp_k":{"type":"int","min":2700,"max":6500,"step":100,"writable":true}},
      "commands":{"turn_on":{},"turn_off":{},"toggle":{}}})");
}
}  // namespace

TEST(device_model, valid_descriptor_parses) {
    auto r = hearth::parse_descriptor(light());
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->properties.at("brightness").max, 100);
    EXPECT_TRUE(r->commands.contains("toggle"));
}

TEST(device_model, invalid_descriptors_are_refused_with_pointers) {
    auto bad_id = light();
    bad_id["id"] = "Living Light";
    EXPECT_EQ(hearth::parse_descriptor(bad_id).error().at(0).pointer, "/id");

    auto bad_type = light();
    bad_type["type"] = "toaster";
    EXPECT_EQ(hearth::parse_descriptor(bad_type).error().at(0).pointer, "/type");

    auto missing_on = light();
    missing_on["properties"].erase("on");
    EXPECT_NE(hearth::parse_descriptor(missing_on).error().at(0).reason.find("'on'"), std::string::npos);

    auto enum_without_values = light();
    enum_without_values["properties"]["mode"] = {{"type", "enum"}};
    EXPECT_EQ(hearth::parse_descriptor(enum_without_values).error().at(0).pointer, "/properties/mode/values");

    auto reserved = light();
    reserved["commands"]["set"] = json::object();
    EXPECT_EQ(hearth::parse_descriptor(reserved).error().at(0).pointer, "/commands/set");

    auto inverted = light();
    inverted["properties"]["brightness"]["min"] = 200;
    EXPECT_FALSE(hearth::parse_descriptor(inverted).has_value());
}

TEST(device_model, value_checks) {
    auto d = hearth::parse_descriptor(light()).value();
    const auto& b = d.properties.at("brightness");
    EXPECT_FALSE(hearth::check_value(b, 50, true));
    EXPECT_EQ(*hearth::check_value(b, 101, true), "101 is above the maximum 100");
    EXPECT_EQ(*hearth::check_value(b, "50", true), "expected int, got string");
    EXPECT_EQ(*hearth::check_value(b, 5.5, true), "expected int, got 5.5");
    const auto& ct = d.properties.at("color_temp_k");
    EXPECT_TRUE(hearth::check_value(ct, 2750, true));
    EXPECT_FALSE(hearth::check_value(ct, 2750, false));
}

TEST(device_model, ids) {
    EXPECT_TRUE(hearth::is_valid_id("hall_lock-2"));
    EXPECT_FALSE(hearth::is_valid_id(""));
    EXPECT_FALSE(hearth::is_valid_id("a/b"));
    EXPECT_FALSE(hearth::is_valid_id("+"));
    EXPECT_FALSE(hearth::is_valid_id(std::string(65, 'a')));
}

namespace {
json cover() {
    return json::parse(R"({"id":"bedroom_blind","type":"cover",
      "properties":{"position":{"type":"int","min":0,"max":100,"unit":"%","writable":true},
                    "state":{"type":"enum","values":["open","closed","opening","closing","stopped"]}},
      "commands":{"open":{},"close":{},"stop":{}}})");
}
json button() {
    return json::parse(R"({"id":"hall_button","type":"button","events":["single_push","double_push","long_push"]})");
}
}  // namespace

TEST(device_model, cover_needs_a_percentage_position_and_the_model_states) {
    ASSERT_TRUE(hearth::parse_descriptor(cover()).has_value());

    auto no_position = cover();
    no_position["properties"].erase("position");
    auto e = hearth::parse_descriptor(no_position).error();
    EXPECT_EQ(e.at(0).reason, "a cover must declare the property 'position'");

    auto bool_position = cover();
    bool_position["properties"]["position"] = {{"type", "bool"}};
    e = hearth::parse_descriptor(bool_position).error();
    EXPECT_EQ(e.at(0).pointer, "/properties/position");

    auto ranged = cover();
    ranged["properties"]["position"]["max"] = 255;
    EXPECT_EQ(hearth::parse_descriptor(ranged).error().at(0).pointer, "/properties/position");

    auto odd_state = cover();
    odd_state["properties"]["state"]["values"].push_back("half_open");
    e = hearth::parse_descriptor(odd_state).error();
    EXPECT_EQ(e.at(0).pointer, "/properties/state");
    EXPECT_EQ(e.at(0).reason, "a cover's state is an enum of open, closed, opening, closing, stopped");

    auto stateless = cover();  // a cover that only reports its position is still a cover
    stateless["properties"].erase("state");
    EXPECT_TRUE(hearth::parse_descriptor(stateless).has_value());
}

TEST(device_model, button_declares_no_property_but_at_least_one_event) {
    auto b = hearth::parse_descriptor(button());
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->type, hearth::device_type::button);
    EXPECT_TRUE(b->properties.empty());

    auto silent = button();
    silent["events"] = json::array();
    auto e = hearth::parse_descriptor(silent).error();
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e.at(0).pointer, "/events");
    EXPECT_EQ(e.at(0).reason, "a button must declare at least one event type");

    auto absent = button();
    absent.erase("events");
    EXPECT_EQ(hearth::parse_descriptor(absent).error().at(0).pointer, "/events");

    auto with_battery = button();  // properties are allowed (battery, link quality)
    with_battery["properties"] = {{"battery", {{"type", "int"}, {"min", 0}, {"max", 100}, {"unit", "%"}}}};
    EXPECT_TRUE(hearth::parse_descriptor(with_battery).has_value());
}

namespace {
json fan() {
    return json::parse(R"({"id":"bedroom_fan","type":"fan",
      "properties":{"on":{"type":"bool","writable":true},
                    "speed_pct":{"type":"int","min":1,"max":100,"unit":"%","writable":true},
                    "direction":{"type":"enum","values":["forward","reverse"],"writable":true},
                    "oscillating":{"type":"bool","writable":true},
                    "preset":{"type":"enum","values":["nature","sleep"],"writable":true}},
      "commands":{"turn_on":{},"turn_off":{}}})");
}
}  // namespace

TEST(device_model, fan_needs_on_and_the_model_shapes_of_its_parts) {
    ASSERT_TRUE(hearth::parse_descriptor(fan()).has_value());

    auto no_on = fan();
    no_on["properties"].erase("on");
    EXPECT_EQ(hearth::parse_descriptor(no_on).error().at(0).reason, "a fan must declare the property 'on'");

    auto speed_255 = fan();
    speed_255["properties"]["speed_pct"]["max"] = 255;
    auto e = hearth::parse_descriptor(speed_255).error();
    EXPECT_EQ(e.at(0).pointer, "/properties/speed_pct");
    EXPECT_EQ(e.at(0).reason, "a fan's speed_pct is an int or number with min 0 or 1 and max 100");

    auto speed_from_0 = fan();  // a fan whose speed 0 is "off" is still a fan
    speed_from_0["properties"]["speed_pct"]["min"] = 0;
    EXPECT_TRUE(hearth::parse_descriptor(speed_from_0).has_value());

    auto odd_direction = fan();
    odd_direction["properties"]["direction"]["values"].push_back("sideways");
    EXPECT_EQ(hearth::parse_descriptor(odd_direction).error().at(0).pointer, "/properties/direction");

    auto int_oscillating = fan();
    int_oscillating["properties"]["oscillating"] = {{"type", "int"}};
    EXPECT_EQ(hearth::parse_descriptor(int_oscillating).error().at(0).pointer, "/properties/oscillating");

    auto string_preset = fan();
    string_preset["properties"]["preset"] = {{"type", "string"}, {"writable", true}};
    EXPECT_EQ(hearth::parse_descriptor(string_preset).error().at(0).pointer, "/properties/preset");

    auto on_only = fan();  // a plain on/off fan
    for (const char* p : {"speed_pct", "direction", "oscillating", "preset"}) on_only["properties"].erase(p);
    EXPECT_TRUE(hearth::parse_descriptor(on_only).has_value());
}
