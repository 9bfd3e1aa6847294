// Unit tests of camera_config.hpp: defaults, refusals naming the key, and that no error
// message ever contains the password.
#include "camera_config.hpp"

#include <gtest/gtest.h>

namespace hearth::isapi {
namespace {

using json = nlohmann::json;

const json k_base = {{"host", "192.168.1.64"}, {"username", "admin"}, {"password", "Pw-Canary-91"}};

std::string error_of(const json& cfg) {
    try {
        parse_camera_config(cfg);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(camera_config, defaults) {
    const auto c = parse_camera_config(k_base);
    EXPECT_EQ(c.port, 80);
    EXPECT_EQ(c.channel, 1);
    EXPECT_EQ(c.id, "camera_192_168_1_64");
    EXPECT_EQ(c.snapshot_max_bytes, 1048576U);
    EXPECT_EQ(c.snapshot_min_interval.count(), 1000);
    EXPECT_EQ(c.timeout.count(), 5000);
    EXPECT_EQ(c.reconnect.count(), 1000);
    EXPECT_EQ(c.offline_after_failures, 3);
    EXPECT_EQ(c.doorbell_event_types, (std::vector<std::string>{"doorbell", "IO"}));
    EXPECT_EQ(c.motion_clear.count(), 10000);
}

TEST(camera_config, refusals_name_the_key) {
    const auto with = [](const char* k, json v) {
        json c = k_base;
        c[k] = std::move(v);
        return c;
    };
    EXPECT_NE(error_of(with("colour", 1)).find("\"colour\""), std::string::npos);
    EXPECT_NE(error_of(with("port", "80")).find("\"port\""), std::string::npos);
    EXPECT_NE(error_of(with("port", 70000)).find("\"port\""), std::string::npos);
    EXPECT_NE(error_of(with("channel", 0)).find("\"channel\""), std::string::npos);
    EXPECT_NE(error_of(with("id", "Bad Id")).find("\"id\""), std::string::npos);
    EXPECT_NE(error_of(with("doorbell_event_types", "IO")).find("\"doorbell_event_types\""), std::string::npos);
    EXPECT_NE(error_of(with("doorbell_event_types", json::array({1}))).find("\"doorbell_event_types\""),
              std::string::npos);
    EXPECT_NE(error_of(with("timeout_ms", 1.5)).find("\"timeout_ms\""), std::string::npos);
    json missing = k_base;
    missing.erase("username");
    EXPECT_NE(error_of(missing).find("\"username\""), std::string::npos);
    EXPECT_NE(error_of(json::array()).find("object"), std::string::npos);
}

TEST(camera_config, errors_never_contain_the_password) {
    json c = k_base;
    c["password"] = 12345;  // wrong type: the message must not echo the value
    EXPECT_NE(error_of(c).find("\"password\""), std::string::npos);
    EXPECT_EQ(error_of(c).find("12345"), std::string::npos);
    for (const char* key : {"port", "host", "id", "name", "channel"}) {
        json d = k_base;
        d[key] = json::array({"Pw-Canary-91"});
        EXPECT_EQ(error_of(d).find("Pw-Canary-91"), std::string::npos) << key;
    }
}

TEST(camera_config, default_id_sanitises_the_host) {
    EXPECT_EQ(default_device_id("Cam.Local"), "camera_cam_local");
    EXPECT_EQ(default_device_id("fe80::1"), "camera_fe80__1");
}

}  // namespace
}  // namespace hearth::isapi
