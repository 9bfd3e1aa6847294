// Typed device builders: every builder's descriptor is accepted by the core's device-model
// validator as it is, and the light example is exactly the JSON an integrator would write.
#include <hearth/kit/devices.hpp>

#include "core/device_model.hpp"

#include <gtest/gtest.h>

namespace {

namespace kit = hearth::kit;
using hearth::json;

void expect_valid(const json& descriptor) {
    const auto parsed = hearth::parse_descriptor(descriptor);
    EXPECT_TRUE(parsed.has_value()) << descriptor.dump(2) << "\n"
                                    << (parsed.has_value() ? "" : parsed.error().front().reason);
}

TEST(kit_devices, a_dimmable_colour_temperature_light_in_one_expression) {
    const json d = kit::light("hall", "Hall light").dimmable().color_temp(2700, 6500).info("Acme", "L1", "1.2");
    EXPECT_EQ(d, json::parse(R"({
      "id": "hall", "type": "light", "name": "Hall light",
      "manufacturer": "Acme", "model": "L1", "sw_version": "1.2",
      "properties": {
        "on": {"type": "bool", "writable": true},
        "brightness": {"type": "int", "min": 0, "max": 100, "writable": true, "unit": "%"},
        "color_temp_k": {"type": "int", "min": 2700, "max": 6500, "writable": true, "unit": "K"}},
      "commands": {"turn_on": {"params": {}}, "turn_off": {"params": {}}, "toggle": {"params": {}}},
      "events": []})"));
    expect_valid(d);
}

TEST(kit_devices, every_typed_builder_is_accepted_by_the_core) {
    expect_valid(kit::light("l", "L"));
    expect_valid(kit::plug("p", "P").metering());
    expect_valid(kit::switch_("s", "S"));
    expect_valid(kit::lock("k", "K").unlatch().battery());
    expect_valid(kit::climate("c", "C", {"cool", "heat", "auto"}));
    expect_valid(kit::sensor("t", "T", "°C", "temperature"));
    expect_valid(kit::binary_sensor("b", "B", "door"));
    expect_valid(kit::camera("cam", "Cam"));
    expect_valid(kit::vacuum("v", "V"));
    expect_valid(kit::washer("w", "W", {"idle", "washing", "done"}));
    expect_valid(kit::refrigerator("f", "F"));
    expect_valid(kit::cover("cv", "Cover"));
    expect_valid(kit::button("bt", "Button"));
    expect_valid(kit::button("bt2", "Button", {"single_push"}));
    expect_valid(kit::fan("fn", "Fan"));
    expect_valid(kit::fan("fn2", "Fan").speed().presets({"nature", "sleep"}).oscillation().direction());
    expect_valid(kit::fan("fn3", "Fan").speed(0));
}

TEST(kit_devices, cover_and_button_carry_the_model_vocabulary) {
    const json c = kit::cover("blind", "Blind");
    EXPECT_EQ(c["properties"]["position"],
              json::parse(R"({"type":"int","min":0,"max":100,"writable":true,"unit":"%"})"));
    EXPECT_EQ(c["properties"]["state"]["values"], json::parse(R"(["open","closed","opening","closing","stopped"])"));
    EXPECT_TRUE(c["commands"].contains("open") && c["commands"].contains("close") && c["commands"].contains("stop"));
    const json b = kit::button("btn", "Button");
    EXPECT_EQ(b["properties"], json::object());
    EXPECT_EQ(b["events"], json::parse(R"(["single_push","double_push","long_push"])"));
}

TEST(kit_devices, commands_with_parameters_and_custom_properties) {
    kit::device d("fan", "switch", "Fan");
    d.prop("on", kit::property::boolean().writable())
        .prop("speed", kit::property::choice({"low", "high"}).writable())
        .command("boost", {{"minutes", kit::property::integer(1, 60).required()}})
        .area("Bedroom");
    expect_valid(d);
    EXPECT_EQ(d.descriptor()["commands"]["boost"]["params"]["minutes"]["required"], true);
    EXPECT_EQ(d.id(), "fan");
}

}  // namespace
