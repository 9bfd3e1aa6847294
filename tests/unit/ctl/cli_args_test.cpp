// Unit tests of hearthctl's argument parser and value helpers (src/ctl/cli_args.hpp).
#include "ctl/cli_args.hpp"
#include "ctl/commands.hpp"

#include <gtest/gtest.h>

namespace hearth::ctl {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

parsed_args parse(const std::vector<std::string>& args) { return parse_args(args, all_option_specs()); }

TEST(CliArgs, CommandPositionalsAndOptionsAnywhere) {
    const auto a = parse({"--timeout", "2", "set", "living_light", "--code-file=/run/pin", "on=true", "--json"});
    EXPECT_EQ(a.command, "set");
    EXPECT_EQ(a.positional, (std::vector<std::string>{"living_light", "on=true"}));
    EXPECT_EQ(a.option("timeout"), "2");
    EXPECT_EQ(a.option("code-file"), "/run/pin");
    EXPECT_TRUE(a.has("json"));
    EXPECT_FALSE(a.has("help"));
    EXPECT_FALSE(a.option("url").has_value());
}

TEST(CliArgs, LastValueWinsAndShortHelp) {
    const auto a = parse({"devices", "--port", "1", "--port", "2", "-h"});
    EXPECT_EQ(a.option("port"), "2");
    EXPECT_TRUE(a.has("help"));
}

TEST(CliArgs, DoubleDashAndNegativeNumbersArePositional) {
    const auto a = parse({"set", "x", "-5", "--", "--json"});
    EXPECT_EQ(a.positional, (std::vector<std::string>{"x", "-5", "--json"}));
    EXPECT_FALSE(a.has("json"));
}

TEST(CliArgs, Errors) {
    EXPECT_THROW(parse({"devices", "--nope"}), usage_error);
    EXPECT_THROW(parse({"devices", "-x"}), usage_error);
    EXPECT_THROW(parse({"devices", "--timeout"}), usage_error);
    EXPECT_THROW(parse({"devices", "--json=1"}), usage_error);
}

TEST(CliArgs, EmptyCommandLine) {
    const auto a = parse({});
    EXPECT_TRUE(a.command.empty());
    EXPECT_TRUE(a.positional.empty());
}

TEST(CliArgs, ValidateUsageCountsAndCommandOptions) {
    const command_info* history = find_command("history");
    ASSERT_NE(history, nullptr);
    EXPECT_NO_THROW(validate_usage(*history, parse({"history", "d", "p", "--since", "7d"})));
    EXPECT_THROW(validate_usage(*history, parse({"history", "d"})), usage_error);
    EXPECT_THROW(validate_usage(*history, parse({"history", "d", "p", "q"})), usage_error);
    EXPECT_THROW(validate_usage(*history, parse({"history", "d", "p", "--code", "1"})), usage_error);
    const command_info* devices = find_command("devices");
    ASSERT_NE(devices, nullptr);
    EXPECT_THROW(validate_usage(*devices, parse({"devices", "--limit", "3"})), usage_error);
    EXPECT_NO_THROW(validate_usage(*devices, parse({"devices", "--json", "--port", "1883"})));
}

TEST(CliArgs, EveryCommandHasHelp) {
    const std::string help = general_help();
    for (const auto& c : commands()) {
        EXPECT_NE(help.find("  " + c.name + " "), std::string::npos) << c.name;
        EXPECT_FALSE(c.summary.empty()) << c.name;
        EXPECT_NE(command_help(c).find("usage: hearthctl " + c.usage), std::string::npos) << c.name;
    }
    for (const char* code : {"  0  ", "  1  ", "  2  ", "  3  ", "  4  "})
        EXPECT_NE(help.find(code), std::string::npos);
}

TEST(ParseValue, JsonWhenPossibleElseString) {
    EXPECT_EQ(parse_value("true"), json(true));
    EXPECT_EQ(parse_value("42"), json(42));
    EXPECT_EQ(parse_value("-2.5"), json(-2.5));
    EXPECT_EQ(parse_value("\"x\""), json("x"));
    EXPECT_EQ(parse_value("null"), json(nullptr));
    EXPECT_EQ(parse_value("[1,2]"), json::array({1, 2}));
    EXPECT_EQ(parse_value("cool"), json("cool"));
    EXPECT_EQ(parse_value("ON"), json("ON"));
    EXPECT_EQ(parse_value("living room"), json("living room"));
    EXPECT_EQ(parse_value("42abc"), json("42abc"));
    EXPECT_EQ(parse_value(""), json(""));
}

TEST(ParseValue, Assignments) {
    EXPECT_EQ(parse_assignment("brightness=30"), (std::pair<std::string, json>{"brightness", 30}));
    EXPECT_EQ(parse_assignment("name=a=b"), (std::pair<std::string, json>{"name", "a=b"}));
    EXPECT_EQ(parse_assignment("x="), (std::pair<std::string, json>{"x", ""}));
    EXPECT_THROW(parse_assignment("brightness"), usage_error);
    EXPECT_THROW(parse_assignment("=3"), usage_error);
}

TEST(SetRequest, PropertiesCommandsAndCode) {
    auto r = build_set_request(parse({"set", "living_light", "on=true", "brightness=30", "scene=\"x\""}));
    EXPECT_EQ(r.payload, (json{{"on", true}, {"brightness", 30}, {"scene", "x"}}));
    EXPECT_EQ(r.description, "on=true brightness=30 scene=x");
    r = build_set_request(parse({"set", "robot_vacuum", "--command", "set_fan_speed", "fan_speed=max"}));
    EXPECT_EQ(r.payload, (json{{"command", "set_fan_speed"}, {"params", {{"fan_speed", "max"}}}}));
    // The PIN is never an argv value: --code is a flag (prompt/stdin), a value after it is refused.
    r = build_set_request(parse({"set", "hall_lock", "--command", "unlock", "--code"}));
    EXPECT_EQ(r.payload, (json{{"command", "unlock"}}));
    EXPECT_EQ(r.description, "unlock");
    EXPECT_THROW(build_set_request(parse({"set", "hall_lock", "--command", "unlock", "--code", "0042"})), usage_error);
    EXPECT_THROW(parse({"set", "hall_lock", "--command", "unlock", "--code=0042"}), usage_error);
}

TEST(SetRequest, UsageErrors) {
    EXPECT_THROW(build_set_request(parse({"set", "d"})), usage_error);
    EXPECT_THROW(build_set_request(parse({"set", "d", "brightness"})), usage_error);
    EXPECT_THROW(build_set_request(parse({"set", "d", "transaction=1"})), usage_error);
    EXPECT_THROW(build_set_request(parse({"set", "d", "code=1"})), usage_error);
    EXPECT_THROW(build_set_request(parse({"set", "d", "--command="})), usage_error);
    const command_info* set = find_command("set");
    ASSERT_NE(set, nullptr);
    EXPECT_THROW(validate_usage(*set, parse({"set", "Bad/Id", "on=true"})), usage_error);
    EXPECT_THROW(validate_usage(*set, parse({"set", "d"})), usage_error);
    EXPECT_NO_THROW(validate_usage(*set, parse({"set", "d", "--command", "toggle"})));
    EXPECT_THROW(validate_usage(*find_command("rule"), parse({"rule", "explode", "r1"})), usage_error);
    EXPECT_NO_THROW(validate_usage(*find_command("rule"), parse({"rule", "run", "r1"})));
    EXPECT_THROW(validate_usage(*find_command("scene"), parse({"scene", "start", "s"})), usage_error);
    EXPECT_THROW(validate_usage(*find_command("trace"), parse({"trace", "r", "--limit", "0"})), usage_error);
    EXPECT_THROW(validate_usage(*find_command("history"), parse({"history", "d", "p", "--since", "7x"})), usage_error);
}

TEST(ParseDuration, Units) {
    EXPECT_EQ(parse_duration("30s"), std::chrono::milliseconds(30s));
    EXPECT_EQ(parse_duration("30m"), std::chrono::milliseconds(30min));
    EXPECT_EQ(parse_duration("24h"), std::chrono::milliseconds(24h));
    EXPECT_EQ(parse_duration("7d"), std::chrono::milliseconds(168h));
    EXPECT_EQ(parse_duration("2w"), std::chrono::milliseconds(336h));
    EXPECT_EQ(parse_duration("1h30m"), std::chrono::milliseconds(90min));
}

TEST(ParseDuration, Rejects) {
    for (const char* bad : {"", "24", "h", "0h", "-1h", "1.5h", "1x", "24 h", "1h30", "99999999999999999999d"}) {
        EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
    }
}

TEST(ParseCount, Bounds) {
    EXPECT_EQ(parse_count("0", 10), 0);
    EXPECT_EQ(parse_count("10", 10), 10);
    EXPECT_FALSE(parse_count("11", 10).has_value());
    EXPECT_FALSE(parse_count("-1", 10).has_value());
    EXPECT_FALSE(parse_count("1e3", 10000).has_value());
    EXPECT_FALSE(parse_count("", 10).has_value());
}

TEST(Ids, TopicSafe) {
    EXPECT_TRUE(is_valid_id("living_light"));
    EXPECT_TRUE(is_valid_id("a-1"));
    EXPECT_FALSE(is_valid_id(""));
    EXPECT_FALSE(is_valid_id("Living"));
    EXPECT_FALSE(is_valid_id("a/b"));
    EXPECT_FALSE(is_valid_id("+"));
    EXPECT_FALSE(is_valid_id("#"));
    EXPECT_FALSE(is_valid_id(std::string(65, 'a')));
}

}  // namespace
}  // namespace hearth::ctl
