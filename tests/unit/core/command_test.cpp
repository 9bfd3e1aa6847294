// Tests of /set payload parsing and command validation.
#include "core/command.hpp"

#include <gtest/gtest.h>

using json = nlohmann::json;

namespace {
hearth::device_descriptor vacuum() {
    return hearth::parse_descriptor(json::parse(R"({"id":"vac","name":"Vacuum","type":"vacuum",
      "properties":{"operational_state":{"type":"enum","values":["docked","running"]},
                    "battery":{"type":"int","min":0,"max":100},
                    "fan_speed":{"type":"enum","values":["quiet","max"],"writable":true},
                    "on":{"type":"bool","writable":true}},
      "commands":{"start":{},"set_fan_speed":{"params":{"fan_speed":{"type":"enum","values":["quiet","max"],"required":true}}}}})"))
        .value();
}
}  // namespace

TEST(command, property_set_is_validated) {
    auto d = vacuum();
    auto ok = hearth::parse_set_payload(d, R"({"fan_speed":"max","transaction":"t1"})");
    ASSERT_TRUE(ok.has_value()) << ok.error();
    EXPECT_EQ(ok->name, "set");
    EXPECT_EQ(ok->transaction, "t1");
    EXPECT_EQ(ok->to_driver_json(), json::parse(R"({"command":"set","params":{"fan_speed":"max"}})"));

    EXPECT_EQ(hearth::parse_set_payload(d, R"({"battery":5})").error(), "property 'battery' is read-only");
    EXPECT_EQ(hearth::parse_set_payload(d, R"({"fan_sped":"max"})").error(),
              "unknown property 'fan_sped' (did you mean 'fan_speed'?)");
    EXPECT_EQ(hearth::parse_set_payload(d, R"({"fan_speed":"turbo"})").error(),
              "fan_speed: 'turbo' is not one of quiet, max");
    EXPECT_EQ(hearth::parse_set_payload(d, "{oops").error(), "payload is not valid JSON");
    EXPECT_EQ(hearth::parse_set_payload(d, "[1]").error(), "payload must be a JSON object");
    EXPECT_EQ(hearth::parse_set_payload(d, "{}").error(), "nothing to set");
}

TEST(command, named_commands_are_validated) {
    auto d = vacuum();
    auto ok =
        hearth::parse_set_payload(d, R"({"command":"set_fan_speed","params":{"fan_speed":"quiet"},"code":"1234"})");
    ASSERT_TRUE(ok.has_value()) << ok.error();
    EXPECT_EQ(ok->code, "1234");
    EXPECT_EQ(ok->to_driver_json().dump().find("1234"), std::string::npos);  // the PIN never reaches a driver
    EXPECT_EQ(hearth::parse_set_payload(d, R"({"command":"strat"})").error(),
              "unknown command 'strat' (did you mean 'start'?)");
    EXPECT_EQ(hearth::parse_set_payload(d, R"({"command":"set_fan_speed"})").error(),
              "missing required parameter 'fan_speed' for command 'set_fan_speed'");
    EXPECT_EQ(hearth::parse_set_payload(d, R"({"command":"start","params":{"speed":1}})").error(),
              "unknown parameter 'speed' for command 'start'");
    EXPECT_EQ(hearth::parse_set_payload(d, R"({"command":"start","fan_speed":"max"})").error(),
              "unexpected key 'fan_speed' next to 'command' (put arguments in 'params')");
}

TEST(command, raw_property_values) {
    auto d = vacuum();
    EXPECT_EQ(hearth::parse_set_property(d, "on", "ON")->params, json::parse(R"({"on":true})"));
    EXPECT_EQ(hearth::parse_set_property(d, "on", " off\n")->params, json::parse(R"({"on":false})"));
    EXPECT_EQ(hearth::parse_set_property(d, "fan_speed", "max")->params, json::parse(R"({"fan_speed":"max"})"));
    EXPECT_EQ(hearth::parse_set_property(d, "fan_speed", "\"quiet\"")->params, json::parse(R"({"fan_speed":"quiet"})"));
    EXPECT_EQ(hearth::parse_set_property(d, "on", "maybe").error(), "on: cannot read 'maybe' as bool");
    EXPECT_EQ(hearth::parse_set_property(d, "nope", "1").error(), "unknown property 'nope'");
}
