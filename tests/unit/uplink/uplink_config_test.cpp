// The `uplink` config section (core/uplink_config.hpp): defaults, a full section read back, and a
// precise error (pointer + reason) for every kind of bad value.
#include "core/config.hpp"

#include <hearth/testing/temp_dir.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace {

hearth::checked<hearth::config> parse(const std::string& text, const std::filesystem::path& base = "/etc/hearth") {
    return hearth::parse_config(text, "test.json", base);
}

/// The errors of a config that must be refused, as one text.
std::string errors_of(const std::string& text) {
    auto r = parse(text);
    EXPECT_FALSE(r.has_value()) << text;
    if (r.has_value()) return {};
    std::string all;
    for (const auto& e : r.error()) all += e.to_string() + "\n";
    return all;
}

TEST(uplink_config, off_by_default_with_the_documented_defaults) {
    auto r = parse("{}");
    ASSERT_TRUE(r.has_value());
    const auto& u = r->uplink;
    EXPECT_FALSE(u.enabled);
    EXPECT_EQ(u.publish, (std::set<std::string>{"alarms", "care_alerts"}));
    EXPECT_TRUE(u.accept.empty());
    EXPECT_EQ(u.outbox.max_messages, 100000);
    EXPECT_EQ(u.outbox.max_bytes, 64 * 1024 * 1024);
    EXPECT_EQ(u.health_interval_s, 300);
}

TEST(uplink_config, a_full_section_is_read_and_the_client_id_defaults_to_the_home) {
    hearth::testing::temp_dir dir("uplink-config");
    std::ofstream(dir.path() / "pw") << "s3cret\n";
    auto r = parse(R"({"uplink": {"enabled": true, "urls": ["mqtt://127.0.0.1:1883", "mqtt://127.0.0.1:1884"],
        "site_id": "oak-park", "home_id": "h_017", "password_file": "pw",
        "publish": ["alarms", "health"], "accept": ["health", "commands"],
        "command_devices": ["front_door", "hall_light"], "unlock_devices": ["front_door"],
        "outbox": {"max_messages": 500, "max_bytes": 1048576}, "health_interval_s": 60}})",
                   dir.path());
    ASSERT_TRUE(r.has_value()) << r.error().front().to_string();
    const auto& u = r->uplink;
    EXPECT_TRUE(u.enabled);
    EXPECT_EQ(u.urls.size(), 2U);
    EXPECT_EQ(u.client_id, "hub-h_017");
    EXPECT_EQ(u.username, "h_017");
    EXPECT_EQ(u.password, "s3cret");
    EXPECT_EQ(u.prefix(), "community/oak-park/h_017");
    EXPECT_EQ(u.publish, (std::set<std::string>{"alarms", "health"}));
    EXPECT_TRUE(u.unlock_devices.contains("front_door"));
    EXPECT_EQ(u.outbox.max_messages, 500);
    EXPECT_EQ(u.health_interval_s, 60);
    const auto summary = r->summary().dump();
    EXPECT_EQ(summary.find("s3cret"), std::string::npos);
    EXPECT_NE(summary.find("\"password_set\":true"), std::string::npos);
}

TEST(uplink_config, enabled_without_ids_or_urls_names_each_missing_key) {
    const auto e = errors_of(R"({"uplink": {"enabled": true}})");
    EXPECT_NE(e.find("/uplink/site_id: required when the uplink is enabled"), std::string::npos) << e;
    EXPECT_NE(e.find("/uplink/home_id: required when the uplink is enabled"), std::string::npos) << e;
    EXPECT_NE(e.find("/uplink/urls"), std::string::npos) << e;
}

TEST(uplink_config, bad_values_are_refused_with_their_pointer) {
    const std::string ok_head = R"({"uplink": {"enabled": true, "site_id": "s", "home_id": "h", )";
    EXPECT_NE(errors_of(ok_head + R"("urls": ["http://x:1"]}})").find("/uplink/urls/0"), std::string::npos);
    EXPECT_NE(errors_of(ok_head + R"("urls": []}})").find("/uplink/urls"), std::string::npos);
    EXPECT_NE(errors_of(R"({"uplink": {"home_id": "Bad Home"}})").find("/uplink/home_id"), std::string::npos);
    EXPECT_NE(errors_of(R"({"uplink": {"site_id": ""}})").find("/uplink/site_id"), std::string::npos);
    EXPECT_NE(errors_of(R"({"uplink": {"publish": ["camera_images"]}})").find("/uplink/publish/0"), std::string::npos);
    EXPECT_NE(errors_of(R"({"uplink": {"accept": ["shell"]}})").find("/uplink/accept/0"), std::string::npos);
    EXPECT_NE(errors_of(R"({"uplink": {"outbox": {"max_messages": 1}}})").find("/uplink/outbox/max_messages"),
              std::string::npos);
    EXPECT_NE(errors_of(R"({"uplink": {"health_interval_s": 0}})").find("/uplink/health_interval_s"),
              std::string::npos);
    EXPECT_NE(errors_of(R"({"uplink": {"colour": "red"}})").find("/uplink"), std::string::npos);
    EXPECT_NE(errors_of(ok_head + R"("urls": ["mqtt://a:1"], "password_file": "/nonexistent/pw"}})")
                  .find("/uplink/password_file: cannot read"),
              std::string::npos);
    EXPECT_NE(errors_of(ok_head + R"("urls": ["mqtts://a:1"], "tls": {"ca_file": "/nonexistent/ca.pem"}}})")
                  .find("/uplink/tls/ca_file"),
              std::string::npos);
}

TEST(uplink_config, unlock_needs_the_device_in_command_devices_and_commands_accepted) {
    const std::string head = R"({"uplink": {"enabled": true, "site_id": "s", "home_id": "h", "urls": ["mqtt://a:1"], )";
    auto e = errors_of(head + R"("accept": ["commands"], "unlock_devices": ["front_door"]}})");
    EXPECT_NE(e.find("/uplink/unlock_devices: 'front_door' is not listed in command_devices"), std::string::npos) << e;
    e = errors_of(head + R"("command_devices": ["lamp"]}})");
    EXPECT_NE(e.find("\"commands\" is not in accept"), std::string::npos) << e;
}

}  // namespace
