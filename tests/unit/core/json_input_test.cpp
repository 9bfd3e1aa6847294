// Untrusted JSON: depth-checked parsing (a 100,000-deep payload is refused, not a SIGSEGV),
// UTF-8 repair for echoed text, truncated echoes, checked field accessors.
#include "core/json_fields.hpp"
#include "core/json_input.hpp"
#include "mqtt/connect_errors.hpp"

#include <gtest/gtest.h>

using json = nlohmann::json;

namespace {

std::string nested(std::size_t depth, char open = '{') {
    std::string s;
    for (std::size_t i = 0; i < depth; ++i) s += open == '{' ? "{\"a\":" : "[";
    s += "1";
    for (std::size_t i = 0; i < depth; ++i) s += open == '{' ? "}" : "]";
    return s;
}

TEST(json_input, accepts_ordinary_documents) {
    auto in = hearth::parse_json_input(R"({"on": true, "brightness": 40, "list": [1, [2, {"x": null}]]})");
    ASSERT_TRUE(in.ok) << in.error;
    EXPECT_EQ(in.value["brightness"], 40);
    EXPECT_TRUE(hearth::parse_json_input(nested(hearth::max_json_depth)).ok);
}

TEST(json_input, refuses_deep_nesting_without_building_it) {
    for (char open : {'{', '['}) {
        auto in = hearth::parse_json_input(nested(100000, open));
        EXPECT_FALSE(in.ok);
        EXPECT_TRUE(in.too_deep);
        EXPECT_TRUE(in.value.is_null());
        EXPECT_NE(in.error.find("deeper than 64"), std::string::npos) << in.error;
    }
    EXPECT_FALSE(hearth::parse_json_input(nested(hearth::max_json_depth + 1)).ok);
    EXPECT_FALSE(hearth::parse_json_input(nested(10, '['), 5).ok);
}

TEST(json_input, syntax_errors_are_valid_utf8) {
    auto in = hearth::parse_json_input("{\"name\": \"T\xfcr offen\"}");
    ASSERT_FALSE(in.ok);
    EXPECT_FALSE(in.too_deep);
    EXPECT_TRUE(hearth::is_valid_utf8(in.error)) << in.error;
    EXPECT_NO_THROW((void)json(in.error).dump());
    EXPECT_FALSE(hearth::parse_json_input("").ok);
    EXPECT_FALSE(hearth::parse_json_input("{\"a\":1} trailing").ok);
    EXPECT_FALSE(hearth::parse_json_input("1e999999").ok);
}

TEST(json_input, valid_utf8_escapes_bad_bytes) {
    EXPECT_EQ(hearth::valid_utf8("T\xfcr offen"), "T\\xfcr offen");
    EXPECT_EQ(hearth::valid_utf8("Tür"), "Tür");
    EXPECT_EQ(hearth::valid_utf8("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
    EXPECT_TRUE(hearth::is_valid_utf8(hearth::valid_utf8(std::string("\xc3\x28\xff\xfe", 4))));
}

TEST(json_input, echo_truncates) {
    const std::string big(50 << 20, 'x');
    const std::string e = hearth::echo(big);
    EXPECT_LT(e.size(), 100u);
    EXPECT_NE(e.find("52428800 bytes"), std::string::npos) << e;
    EXPECT_EQ(hearth::echo("short"), "short");
    // Never cuts a multi-byte character in half.
    const std::string umlauts(200, 'a');
    std::string mixed = std::string(63, 'a') + "ü" + umlauts;
    EXPECT_TRUE(hearth::is_valid_utf8(hearth::echo(mixed)));
}

TEST(field_reader, wrong_types_are_precise_errors) {
    const json args = {{"device", 5}, {"from", "yesterday"}, {"limit", "10"}, {"name", "x"}, {"n", -3}};
    {
        hearth::field_reader f(args);
        EXPECT_FALSE(f.required_string("device"));
        EXPECT_EQ(f.error(), "'device' must be a string, got integer");
    }
    {
        hearth::field_reader f(args);
        EXPECT_FALSE(f.optional_integer("from", 0, 100, "ms since the epoch"));
        EXPECT_EQ(f.error(), "'from' must be an integer (ms since the epoch), got string");
    }
    {
        hearth::field_reader f(args);
        EXPECT_FALSE(f.optional_integer("n", 1, 10));
        EXPECT_NE(f.error().find("in [1, 10]"), std::string::npos) << f.error();
    }
    {
        hearth::field_reader f(args);
        EXPECT_EQ(f.optional_string("name"), "x");
        EXPECT_FALSE(f.optional_string("absent"));
        EXPECT_FALSE(f.failed());
        EXPECT_FALSE(f.required_string("absent"));
        EXPECT_EQ(f.error(), "'absent' (string) is required");
    }
    const json huge = {{"limit", 18446744073709551615u}};
    hearth::field_reader big(huge);
    EXPECT_FALSE(big.optional_integer("limit", 1, 1000));
    EXPECT_TRUE(big.failed());
}

TEST(connect_errors, credentials_are_named) {
    EXPECT_NE(hearth::mqtt::connect_failure_text(5).find("the broker refused the user name or password"),
              std::string::npos);
    EXPECT_NE(hearth::mqtt::connect_failure_text(4).find("the broker refused the user name or password"),
              std::string::npos);
    // MQTT 5 CONNACK reason codes: bad user name or password (134), not authorised (135)
    EXPECT_NE(hearth::mqtt::connect_failure_text(134).find("the broker refused the user name or password"),
              std::string::npos);
    EXPECT_NE(hearth::mqtt::connect_failure_text(135).find("the broker refused the user name or password"),
              std::string::npos);
    EXPECT_NE(hearth::mqtt::connect_failure_text(132).find("does not accept MQTT 5"), std::string::npos);
    EXPECT_NE(hearth::mqtt::connect_failure_text(-1).find("could not be reached"), std::string::npos);
    EXPECT_NE(hearth::mqtt::connect_failure_text(77).find("77"), std::string::npos);
}

}  // namespace
