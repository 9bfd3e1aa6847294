// Unit tests of the Zigbee2MQTT mapper (plugins/z2m/mapping): ids from the IEEE address, the
// type choice, access bits, the light's brightness/colour-temperature conversions, the contact
// value_on as on, action events, the climate's system_mode <-> on + mode, cover and lock commands,
// endpoint features (state_l2), skips with their reasons, and untrusted values that do not convert.
#include "z2m_mapping.hpp"

#include <gtest/gtest.h>

namespace hearth::z2m {
namespace {

json entry(const json& exposes, const std::string& name = "Thing") {
    return {{"ieee_address", "0x00158D0001A2B3C4"},
            {"friendly_name", name},
            {"type", "Router"},
            {"supported", true},
            {"interview_completed", true},
            {"definition", {{"model", "M1"}, {"vendor", "V"}, {"description", "d"}, {"exposes", exposes}}}};
}

json binary(const std::string& prop, int access, json on = "ON", json off = "OFF") {
    return {{"type", "binary"}, {"name", prop},   {"property", prop},
            {"access", access}, {"value_on", on}, {"value_off", off}};
}
json numeric(const std::string& prop, int access, json extra = json::object()) {
    json f = {{"type", "numeric"}, {"name", prop}, {"property", prop}, {"access", access}};
    f.update(extra);
    return f;
}
json with(json f, const json& extra) {
    f.update(extra);
    return f;
}
json enumeration(const std::string& prop, int access, json values) {
    return {{"type", "enum"}, {"name", prop}, {"property", prop}, {"access", access}, {"values", values}};
}

device_mapping must_map(const json& e) {
    map_result r = map_device(e);
    EXPECT_TRUE(r.mapping) << r.skipped;
    if (!r.mapping) throw std::runtime_error(r.skipped);
    return *r.mapping;
}

TEST(z2m_mapping, ids_come_from_the_ieee_address_only) {
    EXPECT_EQ(device_id_of("0x00158D0001A2B3C4"), "z2m_00158d0001a2b3c4");
    EXPECT_FALSE(device_id_of("0x00158d0001a2b3"));
    EXPECT_FALSE(device_id_of("0x00158d0001a2b3zz"));
    EXPECT_FALSE(device_id_of(42));
    const json exposes = json::array({numeric("temperature", 1, {{"unit", "°C"}})});
    EXPECT_EQ(must_map(entry(exposes, "Kitchen")).id, must_map(entry(exposes, "Renamed")).id);
}

TEST(z2m_mapping, light_converts_brightness_and_mired) {
    const json light = {{"type", "light"},
                        {"features",
                         {with(binary("state", 7), {{"value_toggle", "TOGGLE"}}),
                          numeric("brightness", 7, {{"value_min", 0}, {"value_max", 254}}),
                          numeric("color_temp", 7, {{"value_min", 153}, {"value_max", 500}, {"unit", "mired"}}),
                          {{"type", "composite"}, {"name", "color_xy"}, {"property", "color"}, {"access", 7}}}}};
    const auto m = must_map(entry(json::array({light})));
    EXPECT_EQ(m.type, "light");
    EXPECT_EQ(m.descriptor["properties"]["color_temp_k"],
              (json{{"type", "int"}, {"min", 2000}, {"max", 6536}, {"unit", "K"}, {"writable", true}}));
    EXPECT_EQ(m.descriptor["properties"]["brightness"]["max"], 100);
    EXPECT_TRUE(m.descriptor["commands"].contains("toggle"));
    EXPECT_EQ(m.gettable, (std::vector<std::string>{"state", "brightness", "color_temp"}));
    const auto s = decode_state(m, {{"state", "ON"}, {"brightness", 254}, {"color_temp", 250}, {"linkquality", 9}});
    EXPECT_EQ(s.state, (json{{"on", true}, {"brightness", 100}, {"color_temp_k", 4000}}));
    EXPECT_EQ(encode_command(m, "set", {{"brightness", 50}, {"color_temp_k", 2700}}),
              (json{{"brightness", 127}, {"color_temp", 370}}));
    EXPECT_EQ(encode_command(m, "turn_off", json::object()), (json{{"state", "OFF"}}));
    // Untrusted values that do not convert are skipped and named.
    const auto bad = decode_state(m, {{"state", "MAYBE"}, {"brightness", "x"}, {"color_temp", 0}});
    EXPECT_TRUE(bad.state.empty());
    EXPECT_EQ(bad.skipped.size(), 3U);
    EXPECT_TRUE(decode_state(m, json::array()).state.empty());
    EXPECT_THROW(encode_command(m, "set", {{"brightness", true}}), std::invalid_argument);
    EXPECT_THROW(encode_command(m, "set", {{"nope", 1}}), std::invalid_argument);
    EXPECT_THROW(encode_command(m, "fly", json::object()), std::invalid_argument);
}

TEST(z2m_mapping, access_bits_decide_writable_and_unpublished_features_are_left_out) {
    const json sw = {{"type", "switch"}, {"features", {binary("state", 7)}}};
    const auto m = must_map(
        entry(json::array({sw, numeric("power", 1, {{"unit", "W"}}),
                           numeric("countdown", 7, {{"value_min", 0}, {"value_max", 43200}}), numeric("secret", 0)})));
    EXPECT_EQ(m.type, "plug");  // a switch with power metering
    EXPECT_EQ(m.descriptor["properties"]["power_w"], (json{{"type", "number"}, {"unit", "W"}}));
    EXPECT_EQ(m.descriptor["properties"]["countdown"]["writable"], true);
    EXPECT_FALSE(m.descriptor["properties"].contains("secret"));
    EXPECT_THROW(encode_command(m, "set", {{"power_w", 5}}), std::invalid_argument);
}

TEST(z2m_mapping, endpoint_features_keep_their_suffixed_names) {
    const json l1 = {{"type", "switch"}, {"endpoint", "l1"}, {"features", {binary("state_l1", 7)}}};
    const json l2 = {{"type", "switch"}, {"endpoint", "l2"}, {"features", {binary("state_l2", 7)}}};
    json e1 = l1;
    e1["features"][0]["name"] = "state";
    json e2 = l2;
    e2["features"][0]["name"] = "state";
    const auto m = must_map(entry(json::array({e1, e2})));
    EXPECT_EQ(m.find_property("on")->z2m, "state_l1");
    EXPECT_EQ(m.descriptor["properties"]["state_l2"]["type"], "bool");
    EXPECT_EQ(encode_command(m, "set", {{"state_l2", true}}), (json{{"state_l2", "ON"}}));
    EXPECT_EQ(decode_state(m, {{"state_l1", "OFF"}, {"state_l2", "ON"}}).state,
              (json{{"on", false}, {"state_l2", true}}));
}

TEST(z2m_mapping, contact_value_on_is_open_and_classed) {
    // As Zigbee2MQTT declares it: value_on false (contact lost = open), value_off true.
    const auto m = must_map(entry(json::array({binary("contact", 1, false, true), numeric("battery", 1)})));
    EXPECT_EQ(m.type, "binary_sensor");
    EXPECT_EQ(m.descriptor["device_class"], "door");
    EXPECT_EQ(decode_state(m, {{"contact", true}, {"battery", 90}}).state, (json{{"on", false}, {"battery", 90}}));
    EXPECT_EQ(decode_state(m, {{"contact", false}}).state, (json{{"on", true}}));
}

TEST(z2m_mapping, remote_actions_become_button_events) {
    const auto m = must_map(
        entry(json::array({numeric("battery", 1),
                           enumeration("action", 1, {"single", "double", "hold", "brightness_up_click", "1-x"})})));
    EXPECT_EQ(m.type, "button");
    EXPECT_EQ(m.descriptor["events"], (json{"1_x", "brightness_up_click", "double_push", "long_push", "single_push"}));
    const auto s = decode_state(m, {{"action", "double"}, {"battery", 50}});
    EXPECT_EQ(s.events, (std::vector<std::string>{"double_push"}));
    EXPECT_EQ(s.state, (json{{"battery", 50}}));
    EXPECT_TRUE(decode_state(m, {{"action", ""}}).events.empty());
    EXPECT_EQ(decode_state(m, {{"action", "boom"}}).skipped.size(), 1U);
}

TEST(z2m_mapping, climate_system_mode_is_on_and_mode) {
    const json climate = {
        {"type", "climate"},
        {"features",
         {numeric("occupied_heating_setpoint", 7, {{"value_min", 5}, {"value_max", 30}, {"value_step", 0.5}}),
          numeric("local_temperature", 1, {{"unit", "°C"}}), enumeration("system_mode", 7, {"off", "heat", "auto"}),
          enumeration("preset", 7, {"manual", "away"})}}};
    const auto m = must_map(entry(json::array({climate})));
    EXPECT_EQ(m.type, "climate");
    EXPECT_EQ(m.descriptor["properties"]["mode"]["values"], (json{"heat", "auto"}));
    EXPECT_EQ(decode_state(m, {{"system_mode", "off"}, {"occupied_heating_setpoint", 21}}).state,
              (json{{"on", false}, {"target_temp", 21}}));
    EXPECT_EQ(decode_state(m, {{"system_mode", "auto"}}).state, (json{{"on", true}, {"mode", "auto"}}));
    EXPECT_EQ(encode_command(m, "set", {{"on", false}}), (json{{"system_mode", "off"}}));
    EXPECT_EQ(encode_command(m, "set", {{"on", true}}, {{"mode", "auto"}}), (json{{"system_mode", "auto"}}));
    EXPECT_EQ(encode_command(m, "set", {{"on", true}, {"mode", "heat"}}), (json{{"system_mode", "heat"}}));
    EXPECT_EQ(encode_command(m, "set", {{"preset", "away"}}), (json{{"preset", "away"}}));
}

TEST(z2m_mapping, cover_and_lock_commands) {
    const json cover = {{"type", "cover"},
                        {"features",
                         {enumeration("state", 3, {"OPEN", "CLOSE", "STOP"}),
                          numeric("position", 7, {{"value_min", 0}, {"value_max", 100}})}}};
    const auto c = must_map(entry(json::array({cover})));
    EXPECT_EQ(c.type, "cover");
    EXPECT_EQ(encode_command(c, "stop", json::object()), (json{{"state", "STOP"}}));
    EXPECT_EQ(decode_state(c, {{"state", "CLOSE"}, {"position", 0}}).state,
              (json{{"position", 0}, {"state", "closed"}}));
    const json lock = {{"type", "lock"},
                       {"features",
                        {binary("state", 7, "LOCK", "UNLOCK"),
                         enumeration("lock_state", 1, {"not_fully_locked", "locked", "unlocked"})}}};
    const auto l = must_map(entry(json::array({lock})));
    EXPECT_EQ(l.type, "lock");
    EXPECT_EQ(encode_command(l, "unlock", json::object()), (json{{"state", "UNLOCK"}}));
    EXPECT_EQ(decode_state(l, {{"lock_state", "not_fully_locked"}, {"state", "LOCK"}}).state,
              (json{{"lock_state", "jammed"}}));
}

TEST(z2m_mapping, fan_maps_to_a_fan_with_its_mode_as_preset) {
    const json fan = {{"type", "fan"},
                      {"features", {binary("fan_state", 7), enumeration("fan_mode", 7, {"low", "high"})}}};
    json f = fan;
    f["features"][0]["name"] = "state";
    f["features"][1]["name"] = "mode";
    const auto m = must_map(entry(json::array({f})));
    EXPECT_EQ(m.type, "fan");
    EXPECT_EQ(m.find_property("on")->z2m, "fan_state");
    EXPECT_EQ(m.descriptor["properties"]["preset"],
              (json{{"type", "enum"}, {"values", {"low", "high"}}, {"writable", true}}));
    EXPECT_EQ(encode_command(m, "set", {{"preset", "high"}}), (json{{"fan_mode", "high"}}));
    EXPECT_EQ(encode_command(m, "turn_on", json::object()), (json{{"fan_state", "ON"}}));
    f["features"][0]["access"] = 1;  // a fan whose state cannot be set
    EXPECT_EQ(must_map(entry(json::array({f}))).type, "switch");
}

TEST(z2m_mapping, skips_say_why) {
    json e = entry(json::array({numeric("temperature", 1)}), "Hallway remote");
    e["interview_completed"] = false;
    EXPECT_EQ(map_device(e).skipped, "0x00158D0001A2B3C4 'Hallway remote': no exposes (interview not completed)");
    e = entry(json::array(), "Bare");
    EXPECT_EQ(map_device(e).skipped, "0x00158D0001A2B3C4 'Bare': no exposes");
    e = entry(json::array({numeric("linkquality", 1)}), "Odd");
    EXPECT_EQ(map_device(e).skipped,
              "0x00158D0001A2B3C4 'Odd': no feature Hearth can model (no "
              "light/switch/lock/climate/cover, sensor, binary sensor or action)");
    e = entry(json::array({numeric("temperature", 1)}));
    e["supported"] = false;
    EXPECT_EQ(map_device(e).skipped, "0x00158D0001A2B3C4 'Thing': not supported by Zigbee2MQTT (no definition)");
    e["ieee_address"] = "kitchen";
    EXPECT_EQ(map_device(e).skipped, "an entry without a valid ieee_address (kitchen)");
    EXPECT_EQ(map_device(json::array()).skipped, "a bridge/devices entry that is not an object");
    json cover = {{"type", "cover"}, {"features", {enumeration("state", 3, {"OPEN", "CLOSE"})}}};
    EXPECT_EQ(map_device(entry(json::array({cover}))).skipped,
              "0x00158D0001A2B3C4 'Thing': cover without a position (open/close only)");
}

TEST(z2m_mapping, malformed_features_are_noted_not_fatal) {
    const auto m = must_map(entry(json::array({numeric("temperature", 1),
                                               json("junk"),
                                               numeric("Bad-Name", 1),
                                               enumeration("mode", 1, {1, 2}),
                                               numeric("range", 1, {{"value_min", 5}, {"value_max", 1}}),
                                               {{"type", "list"}, {"property", "schedule"}}})));
    EXPECT_EQ(m.type, "sensor");
    EXPECT_EQ(m.descriptor["properties"].size(), 1U);
    EXPECT_EQ(m.notes.size(), 5U);
}

}  // namespace
}  // namespace hearth::z2m
