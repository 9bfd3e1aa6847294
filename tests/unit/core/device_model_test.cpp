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
