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
