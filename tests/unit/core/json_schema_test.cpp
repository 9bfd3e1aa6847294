// Tests of the JSON Schema subset validator.
#include "core/json_schema.hpp"

#include <gtest/gtest.h>

using hearth::validate_json_schema;
using json = nlohmann::json;

namespace {
const json schema = json::parse(R"({
  "type": "object", "additionalProperties": false, "required": ["name"],
  "properties": {
    "name": {"type": "string", "minLength": 1, "pattern": "^[a-z]+$"},
    "port": {"type": "integer", "minimum": 1, "maximum": 65535},
    "mode": {"enum": ["a", "b"]},
    "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
    "item": {"$ref": "#/$defs/item"}
  },
  "$defs": {"item": {"oneOf": [
     {"type": "object", "required": ["x"], "additionalProperties": false, "properties": {"x": {"type": "number"}}},
     {"type": "object", "required": ["y"], "additionalProperties": false, "properties": {"y": {"type": "string"}}}]}}
})");
}  // namespace

TEST(json_schema, accepts_valid_document) {
    EXPECT_TRUE(validate_json_schema(
                    schema, json::parse(R"({"name":"ok","port":80,"mode":"a","tags":["x","y"],"item":{"y":"s"}})"))
                    .empty());
}

TEST(json_schema, reports_wrong_type_with_pointer) {
    auto errors = validate_json_schema(schema, json::parse(R"({"name":"ok","port":"80"})"));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].pointer, "/port");
    EXPECT_EQ(errors[0].reason, "expected integer, got string");
}

TEST(json_schema, unknown_key_suggests_the_closest_known_one) {
    auto errors = validate_json_schema(schema, json::parse(R"({"name":"ok","prot":1})"));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].pointer, "/prot");
    EXPECT_NE(errors[0].reason.find("did you mean 'port'"), std::string::npos) << errors[0].reason;
}

TEST(json_schema, missing_required_range_enum_pattern_unique) {
    auto errors = validate_json_schema(schema, json::parse(R"({"port":0,"mode":"c","tags":["x","x"]})"));
    ASSERT_EQ(errors.size(), 4u);
    EXPECT_EQ(errors[0].reason, "missing required key 'name'");
    EXPECT_EQ(errors[1].pointer, "/mode");
    EXPECT_EQ(errors[2].pointer, "/port");
    EXPECT_NE(errors[2].reason.find("below the minimum"), std::string::npos);
    EXPECT_EQ(errors[3].pointer, "/tags/1");
    auto pattern = validate_json_schema(schema, json::parse(R"({"name":"Bad Name"})"));
    ASSERT_EQ(pattern.size(), 1u);
    EXPECT_NE(pattern[0].reason.find("does not match"), std::string::npos);
}

TEST(json_schema, one_of_reports_the_closest_alternative) {
    auto errors = validate_json_schema(schema, json::parse(R"({"name":"ok","item":{"x":"not a number"}})"));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].pointer, "/item/x");
}

TEST(json_schema, integer_accepts_whole_floats_only) {
    EXPECT_TRUE(validate_json_schema(schema, json::parse(R"({"name":"ok","port":80.0})")).empty());
    EXPECT_FALSE(validate_json_schema(schema, json::parse(R"({"name":"ok","port":80.5})")).empty());
}

// A plugin's config schema is untrusted text, and so is the config it checks. `pattern` must not
// let either stop the process: matching is linear in the input (RE2), never exponential
// backtracking, and never recursion as deep as the input is long.
namespace {
json string_with_pattern(const std::string& pattern) { return {{"type", "string"}, {"pattern", pattern}}; }
}  // namespace

TEST(json_schema, pattern_with_nested_quantifiers_does_not_backtrack_exponentially) {
    // std::regex (ECMAScript, backtracking) takes ~2^64 steps here and never returns.
    const auto errors = validate_json_schema(string_with_pattern("^(a+)+$"), std::string(64, 'a') + "b");
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_NE(errors[0].reason.find("does not match the pattern ^(a+)+$"), std::string::npos) << errors[0].reason;
}

TEST(json_schema, pattern_over_a_long_string_does_not_recurse_per_character) {
    // libstdc++'s std::regex recurses once per repetition and overflows the stack here.
    const std::string long_value(200'000, 'a');
    EXPECT_TRUE(validate_json_schema(string_with_pattern("^(a|b)*$"), long_value).empty());
    EXPECT_EQ(validate_json_schema(string_with_pattern("^(a|b)*$"), long_value + "c").size(), 1U);
}

TEST(json_schema, pattern_outside_the_supported_syntax_is_a_problem_not_an_exception) {
    for (const std::string bad : {"^(a)\\1$", "(?=a)a", "[z-a]", "a{2000}", "("}) {
        const auto errors = validate_json_schema(string_with_pattern(bad), "aa");
        ASSERT_EQ(errors.size(), 1U) << bad;
        EXPECT_NE(errors[0].reason.find("the schema's pattern " + bad + " is not a supported regular expression"),
                  std::string::npos)
            << errors[0].reason;
    }
}

TEST(json_schema, pattern_keeps_ecmascript_search_semantics_for_the_shipped_schemas) {
    // Unanchored patterns search (as ECMA-262 `test` does), \s and {m,n} mean what they mean there.
    EXPECT_TRUE(validate_json_schema(string_with_pattern("b"), "abc").empty());
    EXPECT_TRUE(
        validate_json_schema(string_with_pattern("^(mqtt|ssl)://[^\\s/]+:[0-9]{1,5}$"), "mqtt://h:1883").empty());
    EXPECT_EQ(validate_json_schema(string_with_pattern("^(mqtt|ssl)://[^\\s/]+:[0-9]{1,5}$"), "mqtt://h x:1883").size(),
              1U);
    EXPECT_TRUE(validate_json_schema(string_with_pattern("^[^ /?#@]+$"), "héllo").empty());
}
