// Unit tests of hearthctl's descriptor-typed `set` values (commands.hpp: coerce_value,
// coerce_set_request): `set robot_vacuum --command clean_areas areas=16` sends the string "16".
#include "ctl/commands.hpp"

#include <gtest/gtest.h>

namespace hearth::ctl {
namespace {

using json = nlohmann::json;

/// `hearthctl set ARGS...` as parsed for the set command.
parsed_args set_args(std::vector<std::string> argv) {
    argv.insert(argv.begin(), "set");
    return parse_args(argv, {{"command", true}, {"code", true}});
}

const json k_vacuum = {{"id", "robot_vacuum"},
                       {"properties",
                        {{"fan_speed", {{"type", "enum"}, {"values", {"quiet", "max"}}, {"writable", true}}},
                         {"battery", {{"type", "int"}, {"min", 0}, {"max", 100}}}}},
                       {"commands",
                        {{"clean_areas", {{"params", {{"areas", {{"type", "string"}, {"required", true}}}}}}},
                         {"set_power", {{"params", {{"on", {{"type", "bool"}}}, {"level", {{"type", "number"}}}}}}}}}};

TEST(SetCoercion, ValuesTakeTheDeclaredType) {
    std::string why;
    EXPECT_EQ(coerce_value({{"type", "string"}}, "16", why), json("16"));
    EXPECT_EQ(coerce_value({{"type", "string"}}, "\"quoted\"", why), json("quoted"));
    EXPECT_EQ(coerce_value({{"type", "enum"}}, "true", why), json("true"));
    EXPECT_EQ(coerce_value({{"type", "int"}}, "30", why), json(30));
    EXPECT_EQ(coerce_value({{"type", "int"}}, "30.0", why), json(30));
    EXPECT_EQ(coerce_value({{"type", "number"}}, "2.5", why), json(2.5));
    EXPECT_EQ(coerce_value({{"type", "bool"}}, "on", why), json(true));
    EXPECT_EQ(coerce_value({{"type", "bool"}}, "false", why), json(false));
    EXPECT_EQ(coerce_value(json(), "42", why), json(42));  // no spec: generic JSON-or-string
    EXPECT_EQ(coerce_value("garbage", "cool", why), json("cool"));
    EXPECT_FALSE(coerce_value({{"type", "int"}}, "2.5", why));
    EXPECT_EQ(why, "'2.5' is not an integer");
    EXPECT_FALSE(coerce_value({{"type", "number"}}, "warm", why));
    EXPECT_FALSE(coerce_value({{"type", "bool"}}, "maybe", why));
}

TEST(SetCoercion, CommandParametersComeFromTheDescriptor) {
    const auto args = set_args({"robot_vacuum", "--command", "clean_areas", "areas=16"});
    set_request r = build_set_request(args);
    EXPECT_EQ(r.payload["params"]["areas"], json(16));  // generic parse: the old bug
    coerce_set_request(r, args, k_vacuum);
    EXPECT_EQ(r.payload["params"]["areas"], json("16"));
    EXPECT_EQ(r.payload["command"], "clean_areas");
    EXPECT_EQ(r.description, "clean_areas areas=16");

    const auto bare = set_args({"robot_vacuum", "--command", "clean_areas"});
    set_request none = build_set_request(bare);
    coerce_set_request(none, bare, k_vacuum);
    EXPECT_EQ(none.payload, json({{"command", "clean_areas"}}));  // no "params": null added

    const auto power = set_args({"robot_vacuum", "--command", "set_power", "on=off", "level=3", "extra=7"});
    set_request p = build_set_request(power);
    coerce_set_request(p, power, k_vacuum);
    EXPECT_EQ(p.payload["params"], json({{"on", false}, {"level", 3}, {"extra", 7}}));  // extra: hearthd refuses it
}

TEST(SetCoercion, PropertiesComeFromTheDescriptorAndBadValuesAreUsageErrors) {
    const auto args = set_args({"robot_vacuum", "fan_speed=max", "unknown=1"});
    set_request r = build_set_request(args);
    coerce_set_request(r, args, k_vacuum);
    EXPECT_EQ(r.payload, json({{"fan_speed", "max"}, {"unknown", 1}}));
    const auto bad = set_args({"robot_vacuum", "battery=full"});
    set_request b = build_set_request(bad);
    EXPECT_THROW(coerce_set_request(b, bad, k_vacuum), usage_error);
    // A descriptor of the wrong shape changes nothing.
    set_request same = build_set_request(args);
    coerce_set_request(same, args, json::array());
    coerce_set_request(same, args, {{"properties", "x"}, {"commands", 5}});
    EXPECT_EQ(same.payload, json({{"fan_speed", "max"}, {"unknown", 1}}));
}

}  // namespace
}  // namespace hearth::ctl
