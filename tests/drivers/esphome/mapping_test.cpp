// Unit tests of the ESPHome entity mapping (plugins/esphome/mapping): list messages built with the
// protobuf classes become entities whose descriptors the core's own validator accepts; device ids
// come from object ids (collisions, long ids, none at all) and never from names; hostile values
// (NaN, inverted or absurd ranges, brightness above 1, missing states, unknown enum values) are
// clamped or dropped; commands encode what the node expects and refuse what the entity cannot do.
#include "core/device_model.hpp"
#include "esphome_entities.hpp"
#include "esphome_messages.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace hearth::esphome {
namespace {

template <class M>
entity entity_of(std::uint32_t type, const M& m) {
    std::string skipped;
    auto e = entity_from_list(type, serialize(m), skipped);
    if (!e) throw std::runtime_error("not mapped: " + skipped);
    return *e;
}

/// The descriptor of `e` (id assigned) must pass the core's validator.
json checked_descriptor(entity& e) {
    std::set<std::string> used;
    assign_device_id(e, "porch", used);
    const json d = descriptor_of(e, "Porch", "Espressif", "esp32", "2024.6.0");
    const auto r = hearth::parse_descriptor(d);
    if (!r) {
        std::string all;
        for (const auto& err : r.error()) all += err.pointer + ": " + err.reason + "; ";
        ADD_FAILURE() << all << d.dump();
    }
    return d;
}

TEST(esphome_mapping, every_kind_maps_to_a_valid_descriptor) {
    pb::ListEntitiesSwitchResponse sw;
    sw.set_object_id("relay");
    sw.set_key(1);
    sw.set_name("Relay");
    auto e1 = entity_of(msg::list_switch, sw);
    EXPECT_EQ(checked_descriptor(e1)["type"], "switch");
    sw.set_device_class("outlet");
    auto e1b = entity_of(msg::list_switch, sw);
    EXPECT_EQ(checked_descriptor(e1b)["type"], "plug");

    pb::ListEntitiesLightResponse li;
    li.set_object_id("lamp");
    li.set_key(2);
    li.add_supported_color_modes(pb::COLOR_MODE_COLOR_TEMPERATURE);
    li.set_min_mireds(153.0F);
    li.set_max_mireds(500.0F);
    auto e2 = entity_of(msg::list_light, li);
    const json d2 = checked_descriptor(e2);
    EXPECT_EQ(d2["properties"]["color_temp_k"]["min"], 2000);
    EXPECT_EQ(d2["properties"]["color_temp_k"]["max"], 6536);
    EXPECT_TRUE(d2["properties"].contains("brightness"));

    pb::ListEntitiesSensorResponse se;
    se.set_object_id("t");
    se.set_key(3);
    se.set_unit_of_measurement("°C");
    se.set_device_class("temperature");
    auto e3 = entity_of(msg::list_sensor, se);
    EXPECT_EQ(checked_descriptor(e3)["properties"]["value"]["unit"], "°C");

    pb::ListEntitiesBinarySensorResponse bs;
    bs.set_object_id("door");
    bs.set_key(4);
    bs.set_device_class("door");
    auto e4 = entity_of(msg::list_binary_sensor, bs);
    EXPECT_EQ(checked_descriptor(e4)["type"], "binary_sensor");

    pb::ListEntitiesCoverResponse co;
    co.set_object_id("blind");
    co.set_key(5);
    auto e5 = entity_of(msg::list_cover, co);
    EXPECT_EQ(checked_descriptor(e5)["type"], "cover");

    pb::ListEntitiesClimateResponse cl;
    cl.set_object_id("hvac");
    cl.set_key(6);
    cl.add_supported_modes(pb::CLIMATE_MODE_OFF);
    cl.add_supported_modes(pb::CLIMATE_MODE_HEAT_COOL);
    cl.add_supported_modes(pb::CLIMATE_MODE_FAN_ONLY);
    cl.set_visual_min_temperature(30.0F);  // inverted range: the defaults are used
    cl.set_visual_max_temperature(10.0F);
    cl.set_visual_target_temperature_step(0.0F);
    auto e6 = entity_of(msg::list_climate, cl);
    const json d6 = checked_descriptor(e6);
    EXPECT_EQ(d6["properties"]["mode"]["values"], json::array({"heat_cool", "fan"}));
    EXPECT_EQ(d6["properties"]["target_temp"]["min"], 7.0);
    EXPECT_EQ(d6["properties"]["target_temp"]["step"], 0.5);

    pb::ListEntitiesLockResponse lo;
    lo.set_object_id("door_lock");
    lo.set_key(7);
    lo.set_supports_open(true);
    auto e7 = entity_of(msg::list_lock, lo);
    EXPECT_TRUE(checked_descriptor(e7)["commands"].contains("unlatch"));

    pb::ListEntitiesButtonResponse bu;
    bu.set_object_id("restart");
    bu.set_key(8);
    auto e8 = entity_of(msg::list_button, bu);
    const json d8 = checked_descriptor(e8);
    EXPECT_EQ(d8["type"], "button");
    EXPECT_TRUE(d8["commands"].contains("press"));
}

TEST(esphome_mapping, unmapped_kinds_and_garbage_are_skipped_with_a_reason) {
    std::string why;
    EXPECT_FALSE(entity_from_list(14, {}, why));  // fan
    EXPECT_NE(why.find("does not map"), std::string::npos);
    const bytes garbage = {0x0a, 0x05, 0x61};
    EXPECT_FALSE(entity_from_list(msg::list_switch, garbage, why));
    EXPECT_NE(why.find("unparsable"), std::string::npos);
    pb::ListEntitiesSwitchResponse no_key;
    no_key.set_object_id("x");
    EXPECT_FALSE(entity_from_list(msg::list_switch, serialize(no_key), why));
}

TEST(esphome_mapping, device_ids_come_from_object_ids_and_stay_unique) {
    std::set<std::string> used;
    entity a;
    a.kind = entity_kind::switch_;
    a.key = 0x10;
    a.object_id = "Relay 1";
    a.name = "Ignored Name";
    assign_device_id(a, "Porch", used);
    EXPECT_EQ(a.device_id, "porch_relay_1");
    entity b = a;
    b.kind = entity_kind::sensor;
    b.key = 0x11;
    assign_device_id(b, "Porch", used);
    EXPECT_EQ(b.device_id, "porch_sensor_relay_1");
    entity c;
    c.key = 0xabcdef01;
    assign_device_id(c, "porch", used);
    EXPECT_EQ(c.device_id, "porch_abcdef01");
    entity d;
    d.key = 0x42;
    d.object_id = std::string(200, 'x');
    assign_device_id(d, "porch", used);
    EXPECT_LE(d.device_id.size(), 64U);
    EXPECT_NE(d.device_id.find("00000042"), std::string::npos);
}

TEST(esphome_mapping, states_are_clamped_or_dropped) {
    entity light;
    light.kind = entity_kind::light;
    light.key = 2;
    light.dimmable = true;
    light.color_temp = true;
    light.min_kelvin = 2000;
    light.max_kelvin = 6536;
    pb::LightStateResponse ls;
    ls.set_key(2);
    ls.set_state(true);
    ls.set_brightness(7.0F);          // above 1
    ls.set_color_temperature(10.0F);  // 100000 K
    const auto s = state_of(light, msg::light_state, serialize(ls));
    ASSERT_TRUE(s);
    EXPECT_EQ((*s)["brightness"], 100);
    EXPECT_EQ((*s)["color_temp_k"], 6536);
    ls.set_brightness(std::numeric_limits<float>::quiet_NaN());
    EXPECT_FALSE(state_of(light, msg::light_state, serialize(ls))->contains("brightness"));
    EXPECT_FALSE(state_of(light, msg::switch_state, serialize(ls)));  // wrong message for the entity

    entity sensor;
    sensor.kind = entity_kind::sensor;
    sensor.decimals = 1;
    pb::SensorStateResponse ss;
    ss.set_state(23.4F);
    EXPECT_EQ((*state_of(sensor, msg::sensor_state, serialize(ss)))["value"], 23.4);
    ss.set_missing_state(true);
    EXPECT_FALSE(state_of(sensor, msg::sensor_state, serialize(ss)));
    ss.set_missing_state(false);
    ss.set_state(std::numeric_limits<float>::infinity());
    EXPECT_FALSE(state_of(sensor, msg::sensor_state, serialize(ss)));

    entity lock;
    lock.kind = entity_kind::lock;
    pb::LockStateResponse lk;
    lk.set_state(static_cast<pb::LockState>(99));  // unknown enum value from a newer node
    EXPECT_FALSE(state_of(lock, msg::lock_state, serialize(lk)));
    EXPECT_EQ(state_key(msg::lock_state, serialize(lk)), 0U);
    EXPECT_FALSE(state_key(msg::list_done, {}));
}

TEST(esphome_mapping, commands_encode_what_the_node_expects) {
    entity light;
    light.kind = entity_kind::light;
    light.key = 2;
    light.dimmable = true;
    light.color_temp = true;
    light.min_kelvin = 2000;
    light.max_kelvin = 6536;
    const auto c = command_for(light, "set", {{"brightness", 40}, {"color_temp_k", 2500}}, json::object());
    EXPECT_EQ(c.type, msg::light_command);
    const auto req = parse<pb::LightCommandRequest>(c.payload);
    ASSERT_TRUE(req);
    EXPECT_EQ(req->key(), 2U);
    EXPECT_TRUE(req->has_brightness());
    EXPECT_FLOAT_EQ(req->brightness(), 0.4F);
    EXPECT_FLOAT_EQ(req->color_temperature(), 400.0F);
    EXPECT_FALSE(req->has_state());
    EXPECT_EQ(c.expect, json({{"brightness", 40}, {"color_temp_k", 2500}}));
    const auto t = command_for(light, "toggle", json::object(), {{"on", true}});
    EXPECT_FALSE(parse<pb::LightCommandRequest>(t.payload)->state());

    entity cover;
    cover.kind = entity_kind::cover;
    cover.key = 5;
    EXPECT_THROW((void)command_for(cover, "set", {{"position", 50}}, json::object()), command_error);
    const auto open = command_for(cover, "open", json::object(), json::object());
    EXPECT_TRUE(parse<pb::CoverCommandRequest>(open.payload)->has_legacy_command());
    const auto stop = command_for(cover, "stop", json::object(), json::object());
    EXPECT_TRUE(stop.expect.empty());

    entity climate;
    climate.kind = entity_kind::climate;
    climate.modes = {"heat"};
    try {
        (void)command_for(climate, "set", {{"on", false}}, json::object());
        ADD_FAILURE() << "turned off a climate without an off mode";
    } catch (const command_error& e) {
        EXPECT_EQ(e.code(), status::unsupported);
    }
    const auto resume = command_for(climate, "set", {{"on", true}}, json::object());
    EXPECT_EQ(parse<pb::ClimateCommandRequest>(resume.payload)->mode(), pb::CLIMATE_MODE_HEAT);

    entity sensor;
    sensor.kind = entity_kind::sensor;
    EXPECT_THROW((void)command_for(sensor, "turn_on", json::object(), json::object()), command_error);
    entity lock;
    lock.kind = entity_kind::lock;
    EXPECT_THROW((void)command_for(lock, "unlatch", json::object(), json::object()), command_error);  // no open
}

}  // namespace
}  // namespace hearth::esphome
