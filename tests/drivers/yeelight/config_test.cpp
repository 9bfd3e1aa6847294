// Unit tests of the yeelight driver's config schema (plugins/yeelight/yeelight_schema.hpp), checked
// by the core's own check_driver_config as hearthd does before the driver is created: the minimal
// config, several bulbs with every key, and refusals located at the offending key.
#include "core/driver_schema.hpp"
#include "yeelight_schema.hpp"

#include <gtest/gtest.h>

#include <string>

namespace hearth::yeelight {
namespace {

using json = nlohmann::json;

json minimal() { return {{"lights", {{{"id", "desk"}, {"host", "192.168.1.20"}}}}}; }

/// Every problem the schema finds in `cfg`, one "pointer: reason" per line ("" if none).
std::string refusal(const json& cfg) {
    std::string all;
    for (const auto& e : check_driver_config(k_config_schema, cfg)) all += e.pointer + ": " + e.reason + "\n";
    return all;
}

TEST(YeelightConfig, Defaults) {
    EXPECT_EQ(refusal(minimal()), "");  // every other key has a default in the driver
    const json schema = json::parse(k_config_schema);
    EXPECT_EQ(schema["required"], json::array({"lights"}));
    EXPECT_EQ(schema["properties"]["lights"]["items"]["required"], json::array({"id", "host"}));
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
    EXPECT_EQ(refusal(cfg), "");
}

TEST(YeelightConfig, RefusalsNameTheKey) {
    json c = minimal();
    c["timout_ms"] = 5;
    EXPECT_NE(refusal(c).find("/timout_ms: unknown key 'timout_ms' (did you mean 'timeout_ms'?)"), std::string::npos)
        << refusal(c);

    c = minimal();
    c["timeout_ms"] = "3000";
    EXPECT_NE(refusal(c).find("/timeout_ms: expected integer"), std::string::npos) << refusal(c);

    c = minimal();
    c["effect"] = "fade";
    EXPECT_NE(refusal(c).find("/effect: "), std::string::npos) << refusal(c);

    c = minimal();
    c["lights"][0]["port"] = 70000;
    EXPECT_NE(refusal(c).find("/lights/0/port: "), std::string::npos) << refusal(c);

    c = minimal();
    c["lights"][0]["colour"] = true;
    EXPECT_NE(refusal(c).find("/lights/0/colour: unknown key 'colour'"), std::string::npos) << refusal(c);

    c = minimal();
    c["lights"][0].erase("host");
    EXPECT_NE(refusal(c).find("/lights/0: "), std::string::npos) << refusal(c);
    EXPECT_NE(refusal(c).find("host"), std::string::npos) << refusal(c);

    c = minimal();
    c["lights"][0]["id"] = "Desk Lamp";
    EXPECT_NE(refusal(c).find("/lights/0/id: "), std::string::npos) << refusal(c);

    c = minimal();
    c["lights"][0]["host"] = "http://bulb/";
    EXPECT_NE(refusal(c).find("/lights/0/host: "), std::string::npos) << refusal(c);

    EXPECT_NE(refusal(json::object()).find("lights"), std::string::npos) << refusal(json::object());
    EXPECT_NE(refusal({{"lights", json::array()}}).find("/lights: "), std::string::npos);
    EXPECT_NE(refusal({{"lights", {1}}}).find("/lights/0: expected object"), std::string::npos)
        << refusal({{"lights", {1}}});
    EXPECT_NE(refusal(json::array()).find("expected object"), std::string::npos) << refusal(json::array());
}

}  // namespace
}  // namespace hearth::yeelight
