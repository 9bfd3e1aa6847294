// HA vocabulary (entity names, device classes per platform) and HA's default plain-text
// payloads on /set.
#include "mqtt/ha_payloads.hpp"
#include "mqtt/ha_vocabulary.hpp"

#include <gtest/gtest.h>

namespace {

using json = nlohmann::json;
using namespace hearth;
using namespace hearth::mqtt;

TEST(human_name, drops_unit_suffixes_and_uses_known_names) {
    EXPECT_EQ(human_name("energy_kwh"), "Energy");
    EXPECT_EQ(human_name("power_w"), "Power");
    EXPECT_EQ(human_name("remaining_s"), "Remaining time");
    EXPECT_EQ(human_name("clean_area_m2"), "Cleaned area");
    EXPECT_EQ(human_name("fridge_temp"), "Fridge temperature");
    EXPECT_EQ(human_name("boost_kw"), "Boost");
    EXPECT_EQ(human_name("eco_mode"), "Eco mode");
    EXPECT_EQ(human_name("s"), "S");  // a name that is only a unit token stays
}

TEST(valid_device_class, per_platform) {
    EXPECT_TRUE(valid_device_class("switch", "outlet"));
    EXPECT_FALSE(valid_device_class("switch", "door"));
    EXPECT_TRUE(valid_device_class("binary_sensor", "door"));
    EXPECT_FALSE(valid_device_class("sensor", "door"));
    EXPECT_TRUE(valid_device_class("sensor", "energy"));
    EXPECT_FALSE(valid_device_class("light", "energy"));
}

device_descriptor make(const json& raw) {
    auto parsed = parse_descriptor(raw);
    if (!parsed) throw std::runtime_error("descriptor refused");
    return *parsed;
}

const json no_params = {{"params", json::object()}};

TEST(ha_plain_payload, maps_home_assistant_defaults_to_commands) {
    const auto lock = make({{"id", "door"},
                            {"name", "Door"},
                            {"type", "lock"},
                            {"properties", {{"lock_state", {{"type", "enum"}, {"values", {"locked", "unlocked"}}}}}},
                            {"commands", {{"lock", no_params}, {"unlock", no_params}, {"unlatch", no_params}}}});
    EXPECT_EQ(json::parse(ha_plain_payload(lock, "LOCK")->json_payload), (json{{"command", "lock"}}));
    EXPECT_EQ(json::parse(ha_plain_payload(lock, " UNLOCK\n")->json_payload), (json{{"command", "unlock"}}));
    EXPECT_EQ(json::parse(ha_plain_payload(lock, "OPEN")->json_payload), (json{{"command", "unlatch"}}));
    EXPECT_FALSE(ha_plain_payload(lock, R"({"command":"lock"})"));  // JSON is JSON
    EXPECT_FALSE(ha_plain_payload(lock, "garbage"));

    const auto vacuum =
        make({{"id", "rvc"},
              {"name", "Rvc"},
              {"type", "vacuum"},
              {"properties",
               {{"operational_state", {{"type", "enum"}, {"values", {"running", "docked"}}}},
                {"battery", {{"type", "int"}, {"min", 0}, {"max", 100}}}}},
              {"commands", {{"start", no_params}, {"pause", no_params}, {"return_to_dock", no_params}}}});
    EXPECT_EQ(json::parse(ha_plain_payload(vacuum, "pause")->json_payload), (json{{"command", "pause"}}));
    EXPECT_EQ(json::parse(ha_plain_payload(vacuum, "return_to_base")->json_payload),
              (json{{"command", "return_to_dock"}}));
    const auto stop = ha_plain_payload(vacuum, "stop");
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->error, "'stop' is Home Assistant's payload for 'stop', which device 'rvc' does not support");
    const auto press = ha_plain_payload(vacuum, "PRESS");
    ASSERT_TRUE(press);
    EXPECT_NE(press->error.find("{\"command\": \"<name>\"}"), std::string::npos);
}

TEST(ha_plain_payload, on_off_for_a_writable_on_property) {
    const auto sw = make({{"id", "sw"},
                          {"name", "Sw"},
                          {"type", "switch"},
                          {"properties", {{"on", {{"type", "bool"}, {"writable", true}}}}}});
    EXPECT_EQ(json::parse(ha_plain_payload(sw, "ON")->json_payload), (json{{"on", true}}));
    EXPECT_EQ(json::parse(ha_plain_payload(sw, "off")->json_payload), (json{{"on", false}}));
}

}  // namespace
