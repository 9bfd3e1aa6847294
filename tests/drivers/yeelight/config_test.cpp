// Unit tests of the yeelight driver's config parser (plugins/yeelight/yeelight_config.cpp):
// defaults, several bulbs per instance, and refusals that name the offending key.
#include "yeelight_config.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace hearth::yeelight {
namespace {

using json = nlohmann::json;

json minimal() { return {{"lights", {{{"id", "desk"}, {"host", "192.168.1.20"}}}}}; }

/// The what() of the std::invalid_argument thrown for `cfg` ("" if none).
std::string refusal(const json& cfg) {
    try {
        parse_config(cfg);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(YeelightConfig, Defaults) {
    const auto c = parse_config(minimal());
    ASSERT_EQ(c.lights.size(), 1u);
    EXPECT_EQ(c.lights[0].id, "desk");
    EXPECT_EQ(c.lights[0].name, "desk");
    EXPECT_EQ(c.lights[0].port, 55443);
    EXPECT_EQ(c.timeout.count(), 3000);
    EXPECT_EQ(c.reconnect.count(), 1000);
    EXPECT_EQ(c.max_reconnect.count(), 30000);
    EXPECT_EQ(c.offline_after_failures, 3);
    EXPECT_EQ(c.effect, "smooth");
    EXPECT_EQ(c.duration_ms, 300);
}

TEST(YeelightConfig, SeveralBulbsAndAllKeys) {
    const json cfg = {{"lights",
                       {{{"id", "desk"}, {"name", "Desk lamp"}, {"host", "10.0.0.2"}, {"port", 1234}},
                        {{"id", "hall"}, {"host", "bulb-hall.lan"}}}},
                      {"timeout_ms", 500},
                      {"reconnect_ms", 200},
                      {"offline_after_failures", 5},
                      {"effect", "sudden"},
                      {"duration_ms", 50}};
    const auto c = parse_config(cfg);
    ASSERT_EQ(c.lights.size(), 2u);
    EXPECT_EQ(c.lights[0].name, "Desk lamp");
    EXPECT_EQ(c.lights[0].port, 1234);
    EXPECT_EQ(c.lights[1].host, "bulb-hall.lan");
    EXPECT_EQ(c.timeout.count(), 500);
    EXPECT_EQ(c.reconnect.count(), 200);
    EXPECT_EQ(c.offline_after_failures, 5);
    EXPECT_EQ(c.effect, "sudden");
    EXPECT_EQ(c.duration_ms, 50);
}

TEST(YeelightConfig, RefusalsNameTheKey) {
    json c = minimal();
    c["timout_ms"] = 5;
    EXPECT_NE(refusal(c).find("\"timout_ms\" is not a known key"), std::string::npos) << refusal(c);

    c = minimal();
    c["timeout_ms"] = "3000";
    EXPECT_NE(refusal(c).find("\"timeout_ms\" must be an integer"), std::string::npos) << refusal(c);

    c = minimal();
    c["effect"] = "fade";
    EXPECT_NE(refusal(c).find("\"effect\""), std::string::npos);

    c = minimal();
    c["lights"][0]["port"] = 70000;
    EXPECT_NE(refusal(c).find("\"lights[0].port\""), std::string::npos) << refusal(c);

    c = minimal();
    c["lights"][0]["colour"] = true;
    EXPECT_NE(refusal(c).find("\"lights[0].colour\" is not a known key"), std::string::npos) << refusal(c);

    c = minimal();
    c["lights"][0].erase("host");
    EXPECT_NE(refusal(c).find("\"lights[0].host\" is required"), std::string::npos) << refusal(c);

    c = minimal();
    c["lights"][0]["id"] = "Desk Lamp";
    EXPECT_NE(refusal(c).find("\"lights[0].id\""), std::string::npos) << refusal(c);

    c = minimal();
    c["lights"].push_back({{"id", "desk"}, {"host", "x"}});
    EXPECT_NE(refusal(c).find("\"lights[1].id\" repeats"), std::string::npos) << refusal(c);

    EXPECT_NE(refusal(json::object()).find("\"lights\" is required"), std::string::npos);
    EXPECT_NE(refusal({{"lights", json::array()}}).find("\"lights\""), std::string::npos);
    EXPECT_NE(refusal({{"lights", {1}}}).find("\"lights[0]\" must be an object"), std::string::npos)
        << refusal({{"lights", {1}}});
    EXPECT_NE(refusal(json::array()).find("must be an object"), std::string::npos);
}

}  // namespace
}  // namespace hearth::yeelight
