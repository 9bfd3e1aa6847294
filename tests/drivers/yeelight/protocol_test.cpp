// Unit tests of the yeelight driver's pure protocol layer (plugins/yeelight/protocol.cpp):
// classification of replies / notifications / garbage, request encoding, and the mapping of bulb
// properties to Hearth light state. (Line framing is kit::line_connection's; the driver's use of it
// is tested end to end in yeelight_integration_test.cpp, "Framing" tests.)
#include "protocol.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace hearth::yeelight {
namespace {

TEST(ParseLine, OkReply) {
    const auto m = parse_line(R"({"id": 7, "result": ["on", "100", "4000"]})");
    const auto* r = std::get_if<reply>(&m);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->id, 7u);
    EXPECT_TRUE(r->ok);
    EXPECT_EQ(r->result, json::array({"on", "100", "4000"}));
}

TEST(ParseLine, ErrorReplyCarriesTheBulbsMessage) {
    const auto m = parse_line(R"({"id": 3, "error": {"code": -1, "message": "client quota exceeded"}})");
    const auto* r = std::get_if<reply>(&m);
    ASSERT_NE(r, nullptr);
    EXPECT_FALSE(r->ok);
    EXPECT_EQ(r->message, "client quota exceeded");
    const auto bare = parse_line(R"({"id": 3, "error": "weird"})");
    EXPECT_EQ(std::get<reply>(bare).message, "the bulb reported an error");
}

TEST(ParseLine, PropsNotification) {
    const auto m = parse_line(R"({"method": "props", "params": {"power": "off", "bright": "10"}})");
    const auto* n = std::get_if<notification>(&m);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->props["power"], "off");
}

TEST(ParseLine, GarbageIsInvalidNeverThrows) {
    for (const char* line : {"garbage", "{\"id\": 12, \"resu", "[1,2,3]", "{\"method\":\"props\",\"params\":7}",
                             "{\"method\":\"other\",\"params\":{}}", "{\"id\":-1,\"result\":[]}",
                             "{\"id\":\"x\",\"result\":[]}", "{\"id\":1,\"result\":5}", "{\"id\":1}", "\xff\xfe"}) {
        const auto m = parse_line(line);
        EXPECT_TRUE(std::holds_alternative<invalid_line>(m)) << line;
    }
}

TEST(EncodeRequest, IsOneCrLfTerminatedJsonLine) {
    const std::string s = encode_request(5, "set_power", json::array({"on", "smooth", 300}));
    ASSERT_GE(s.size(), 2u);
    EXPECT_EQ(s.substr(s.size() - 2), "\r\n");
    EXPECT_EQ(s.find('\n'), s.size() - 1);
    const json j = json::parse(s.substr(0, s.size() - 2));
    EXPECT_EQ(j["id"], 5);
    EXPECT_EQ(j["method"], "set_power");
    EXPECT_EQ(j["params"], json::array({"on", "smooth", 300}));
}

TEST(PropsToState, MapsStringsAndNumbers) {
    EXPECT_EQ(props_to_state({{"power", "on"}, {"bright", "10"}, {"ct", "4000"}}),
              json({{"on", true}, {"brightness", 10}, {"color_temp_k", 4000}}));
    EXPECT_EQ(props_to_state({{"power", "off"}, {"bright", 55}, {"ct", 2700}}),
              json({{"on", false}, {"brightness", 55}, {"color_temp_k", 2700}}));
}

TEST(PropsToState, DropsUnknownAndMalformedValues) {
    EXPECT_EQ(props_to_state({{"rgb", "16711680"}, {"power", "maybe"}, {"bright", "ten"}, {"ct", "99999"}}),
              json::object());
    EXPECT_EQ(props_to_state(json::array()), json::object());
}

TEST(GetPropResult, MapsInRequestOrder) {
    EXPECT_EQ(get_prop_params(), json::array({"power", "bright", "ct"}));
    EXPECT_EQ(get_prop_result_to_state(json::array({"off", "1", "6500"})),
              json({{"on", false}, {"brightness", 1}, {"color_temp_k", 6500}}));
    EXPECT_EQ(get_prop_result_to_state(json::array({"on"})), json::object());
}

TEST(ClampCt, ClampsToTheProtocolRange) {
    EXPECT_EQ(clamp_ct(1000), 1700);
    EXPECT_EQ(clamp_ct(4000), 4000);
    EXPECT_EQ(clamp_ct(9000), 6500);
}

}  // namespace
}  // namespace hearth::yeelight
