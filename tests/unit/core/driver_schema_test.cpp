// A driver's own config schema: problems located under the driver's config with a hint, secrets
// never quoted, redaction at depth, a broken schema is one clear problem.
#include "core/driver_schema.hpp"

#include <gtest/gtest.h>

namespace {

using json = nlohmann::json;

constexpr const char* k_schema = R"({
  "type": "object", "additionalProperties": false, "required": ["host"],
  "properties": {
    "host": {"type": "string"},
    "token": {"type": "string", "pattern": "^[0-9a-f]{32}$", "x-secret": true},
    "poll_interval_s": {"type": "integer", "minimum": 1, "maximum": 3600},
    "devices": {"type": "array", "items": {"type": "object", "properties": {
        "password": {"type": "string", "x-secret": true}, "name": {"type": "string"}}}}}})";

TEST(driver_schema, unknown_key_is_located_under_the_driver_with_a_hint) {
    const auto errors = hearth::check_driver_config(k_schema, json{{"host", "10.0.0.2"}, {"tokn", "x"}}, "hearth.json",
                                                    "/drivers/3/config");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].to_string(), "hearth.json: /drivers/3/config/tokn: unknown key 'tokn' (did you mean 'token'?)");
}

TEST(driver_schema, every_problem_is_reported_and_a_secret_is_never_quoted) {
    const auto errors = hearth::check_driver_config(
        k_schema, json{{"token", "hunter2-not-hex"}, {"poll_interval_s", 0}}, "hearth.json", "/drivers/0/config");
    ASSERT_EQ(errors.size(), 3u);
    std::string all;
    for (const auto& e : errors) all += e.to_string() + "\n";
    EXPECT_NE(all.find("/drivers/0/config: missing required key 'host'"), std::string::npos) << all;
    EXPECT_NE(all.find("/drivers/0/config/poll_interval_s: 0 is below the minimum 1"), std::string::npos) << all;
    EXPECT_NE(all.find("/drivers/0/config/token: the value (not shown"), std::string::npos) << all;
    EXPECT_EQ(all.find("hunter2"), std::string::npos) << all;
}

TEST(driver_schema, empty_schema_accepts_anything_and_a_broken_one_is_one_problem) {
    EXPECT_TRUE(hearth::check_driver_config("", json{{"anything", 1}}).empty());
    const auto errors = hearth::check_driver_config("{not json", json::object(), "h.json", "/drivers/1/config");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].pointer, "/drivers/1/config");
    EXPECT_NE(errors[0].reason.find("not valid JSON"), std::string::npos);
}

TEST(driver_schema, redaction_hides_secrets_at_any_depth) {
    const json config = {{"host", "h"},
                         {"token", "0123456789abcdef0123456789abcdef"},
                         {"devices", json::array({{{"name", "a"}, {"password", "p1"}}, {{"password", "p2"}}})}};
    const json shown = hearth::redact_config(k_schema, config);
    EXPECT_EQ(shown["host"], "h");
    EXPECT_EQ(shown["token"], "***");
    EXPECT_EQ(shown["devices"][0]["name"], "a");
    EXPECT_EQ(shown["devices"][0]["password"], "***");
    EXPECT_EQ(shown["devices"][1]["password"], "***");
    EXPECT_EQ(hearth::redact_config("{bad", config), config);
}

// A plugin's schema is untrusted: a $ref cycle, a wrong-typed keyword or a bad regex give one
// precise problem, never a crash (hearthd --check-config and in-process drivers validate in hearthd).
TEST(driver_schema, a_hostile_schema_is_a_problem_not_a_crash) {
    const auto cycle = hearth::check_driver_config(R"({"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"})",
                                                   json{{"x", 1}}, "h.json", "/drivers/0/config");
    ASSERT_FALSE(cycle.empty());
    EXPECT_NE(cycle[0].reason.find("nests deeper than 128 levels"), std::string::npos) << cycle[0].reason;

    const auto typed = hearth::check_driver_config(R"({"properties": {"host": {"minLength": "five"}}})",
                                                   json{{"host", "h"}}, "h.json", "/drivers/0/config");
    ASSERT_EQ(typed.size(), 1u);
    EXPECT_EQ(typed[0].pointer, "/drivers/0/config");
    EXPECT_NE(typed[0].reason.find("the plugin's config schema is not usable"), std::string::npos) << typed[0].reason;

    const auto regex = hearth::check_driver_config(R"({"properties": {"host": {"pattern": "(["}}})",
                                                   json{{"host", "h"}}, "h.json", "/drivers/0/config");
    ASSERT_EQ(regex.size(), 1u);
    EXPECT_EQ(regex[0].pointer, "/drivers/0/config/host");
    EXPECT_NE(regex[0].reason.find("the schema's pattern ([ is not a supported regular expression"), std::string::npos)
        << regex[0].reason;
}

}  // namespace
