// Unit tests of the isapi_camera config: defaults and the derived id (camera_config.hpp), and the
// schema (camera_schema.hpp) checked by the core's own check_driver_config as hearthd does before
// the driver is created: refusals located at the key, never quoting the password.
#include "camera_config.hpp"
#include "camera_schema.hpp"
#include "core/driver_schema.hpp"

#include <gtest/gtest.h>

namespace hearth::isapi {
namespace {

using json = nlohmann::json;

const json k_base = {{"host", "192.168.1.64"}, {"username", "admin"}, {"password", "Pw-Canary-91"}};

/// Every problem the schema finds in `cfg`, one "pointer: reason" per line ("" if none).
std::string error_of(const json& cfg) {
    std::string all;
    for (const auto& e : check_driver_config(k_config_schema, cfg)) all += e.pointer + ": " + e.reason + "\n";
    return all;
}

TEST(camera_config, defaults) {
    ASSERT_EQ(error_of(k_base), "");
    const auto c = read_camera_config(k_base);
    EXPECT_EQ(c.port, 80);
    EXPECT_EQ(c.channel, 1);
    EXPECT_EQ(c.id, "camera_192_168_1_64");
    EXPECT_EQ(c.name, "Camera 192.168.1.64");
    EXPECT_EQ(c.snapshot_max_bytes, 1048576U);
    EXPECT_EQ(c.snapshot_min_interval.count(), 1000);
    EXPECT_EQ(c.timeout.count(), 5000);
    EXPECT_EQ(c.reconnect.count(), 1000);
    EXPECT_EQ(c.offline_after_failures, 3);
    EXPECT_EQ(c.doorbell_event_types, (std::vector<std::string>{"doorbell", "IO"}));
    EXPECT_EQ(c.motion_clear.count(), 10000);
    EXPECT_FALSE(c.tls);
    json tls = k_base;
    tls.update({{"tls", true}, {"tls_pin_sha256", std::string(64, 'a')}});
    ASSERT_EQ(error_of(tls), "");
    EXPECT_EQ(read_camera_config(tls).port, 443);
    EXPECT_EQ(read_camera_config(tls).tls_pin_sha256, std::string(64, 'a'));
    json all = k_base;
    all.update({{"port", 8080}, {"channel", 2}, {"id", "door"}, {"doorbell_event_types", {"IO"}}, {"timeout_ms", 700}});
    ASSERT_EQ(error_of(all), "");
    const auto d = read_camera_config(all);
    EXPECT_EQ(d.port, 8080);
    EXPECT_EQ(d.channel, 2);
    EXPECT_EQ(d.id, "door");
    EXPECT_EQ(d.doorbell_event_types, std::vector<std::string>{"IO"});
    EXPECT_EQ(d.timeout.count(), 700);
}

TEST(camera_config, refusals_name_the_key) {
    const auto with = [](const char* k, json v) {
        json c = k_base;
        c[k] = std::move(v);
        return c;
    };
    EXPECT_NE(error_of(with("colour", 1)).find("/colour: unknown key"), std::string::npos);
    EXPECT_NE(error_of(with("port", "80")).find("/port: expected integer"), std::string::npos);
    EXPECT_NE(error_of(with("port", 70000)).find("/port: "), std::string::npos);
    EXPECT_NE(error_of(with("channel", 0)).find("/channel: "), std::string::npos);
    EXPECT_NE(error_of(with("id", "Bad Id")).find("/id: "), std::string::npos);
    EXPECT_NE(error_of(with("host", "http://cam/")).find("/host: "), std::string::npos);
    EXPECT_NE(error_of(with("username", "ad\"min")).find("/username: "), std::string::npos);
    EXPECT_NE(error_of(with("doorbell_event_types", "IO")).find("/doorbell_event_types: "), std::string::npos);
    EXPECT_NE(error_of(with("doorbell_event_types", json::array({1}))).find("/doorbell_event_types/0: "),
              std::string::npos);
    EXPECT_NE(error_of(with("timeout_ms", 1.5)).find("/timeout_ms: "), std::string::npos);
    EXPECT_NE(error_of(with("tls_pin_sha256", "abc")).find("/tls_pin_sha256: "), std::string::npos);
    EXPECT_NE(error_of(with("tls", "yes")).find("/tls: expected boolean"), std::string::npos);
    json missing = k_base;
    missing.erase("username");
    EXPECT_NE(error_of(missing).find("username"), std::string::npos) << error_of(missing);
    EXPECT_NE(error_of(json::array()).find("expected object"), std::string::npos);
}

TEST(camera_config, errors_never_contain_the_password) {
    json c = k_base;
    c["password"] = 12345;  // wrong type: the message must not echo the value
    EXPECT_NE(error_of(c).find("/password: "), std::string::npos) << error_of(c);
    EXPECT_EQ(error_of(c).find("12345"), std::string::npos);
    for (const char* key : {"port", "host", "id", "name", "channel", "password"}) {
        json d = k_base;
        d[key] = json::array({"Pw-Canary-91"});
        EXPECT_NE(error_of(d), "") << key;
        EXPECT_EQ(error_of(d).find("Pw-Canary-91"), std::string::npos) << key;
    }
}

TEST(camera_config, default_id_sanitises_the_host) {
    EXPECT_EQ(default_device_id("Cam.Local"), "camera_cam_local");
    EXPECT_EQ(default_device_id("fe80::1"), "camera_fe80__1");
}

}  // namespace
}  // namespace hearth::isapi
