// Tests of main config loading and validation, including the shipped example configs.
#include "core/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using hearth::parse_config;
namespace fs = std::filesystem;

namespace {
hearth::checked<hearth::config> parse(const std::string& text) {
    return parse_config(text, "test.json", "/etc/hearth");
}
}  // namespace

TEST(config, defaults_are_sensible) {
    auto r = parse("{}");
    ASSERT_TRUE(r.has_value()) << r.error().at(0).to_string();
    EXPECT_EQ(r->mqtt.base_topic, "hearth");
    EXPECT_EQ(r->mqtt.discovery_prefix, "homeassistant");
    EXPECT_EQ(r->database.commit_interval_ms, 1000);
    EXPECT_EQ(r->database.history_days, 10);
    EXPECT_EQ(r->scenes_dir, "/etc/hearth/scenes");
    EXPECT_EQ(r->database.backup_dir, "/var/lib/hearth/backups");
}

TEST(config, typo_in_key_names_the_pointer_and_suggests) {
    auto r = parse(R"({"mqtt": {"urll": "mqtt://127.0.0.1:1883"}})");
    ASSERT_FALSE(r.has_value());
    ASSERT_EQ(r.error().size(), 1u);
    EXPECT_EQ(r.error()[0].to_string(), "test.json: /mqtt/urll: unknown key 'urll' (did you mean 'url'?)");
}

TEST(config, wrong_type_names_the_pointer) {
    auto r = parse(R"({"database": {"commit_interval_ms": "fast"}})");
    ASSERT_EQ(r.error().size(), 1u);
    EXPECT_EQ(r.error()[0].to_string(), "test.json: /database/commit_interval_ms: expected integer, got string");
}

TEST(config, syntax_error_gives_line_and_column) {
    auto r = parse("{\n  \"mqtt\": {,}\n}");
    ASSERT_EQ(r.error().size(), 1u);
    EXPECT_EQ(r.error()[0].where(), "line 2 column 12");
    EXPECT_EQ(r.error()[0].line, 2);
    EXPECT_EQ(r.error()[0].column, 12);
    EXPECT_NE(r.error()[0].reason.find("invalid JSON"), std::string::npos);
}

TEST(config, duplicate_driver_ids_are_refused) {
    auto r = parse(R"({"drivers": [{"plugin":"demo","id":"a"},{"plugin":"demo","id":"a"}]})");
    ASSERT_EQ(r.error().size(), 1u);
    EXPECT_EQ(r.error()[0].pointer, "/drivers/1/id");
}

TEST(config, relative_paths_resolve_against_the_config_folder) {
    auto r = parse(R"({"database": {"path": "data/h.db"}, "plugins": {"dir": "../plugins"}})");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->database.path, "/etc/hearth/data/h.db");
    EXPECT_EQ(r->plugins.dir, "/etc/plugins");
}

TEST(config, password_file_is_read_and_never_in_the_summary) {
    const fs::path dir = fs::temp_directory_path() / ("hearth-config-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "pw") << "s3cr3t-canary\n";
    auto r = parse_config(R"({"mqtt": {"username": "hub", "password_file": "pw"}})", "t.json", dir);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->mqtt.password, "s3cr3t-canary");
    EXPECT_EQ(r->summary().dump().find("s3cr3t"), std::string::npos);
    auto both = parse_config(R"({"mqtt": {"password": "x", "password_file": "pw"}})", "t.json", dir);
    ASSERT_EQ(both.error().size(), 1u);
    EXPECT_EQ(both.error()[0].pointer, "/mqtt/password_file");
    auto missing = parse_config(R"({"mqtt": {"password_file": "nope"}})", "t.json", dir);
    ASSERT_EQ(missing.error().size(), 1u);
    EXPECT_EQ(missing.error()[0].reason.find("x"), std::string::npos);  // no secret echoed
    fs::remove_all(dir);
}

TEST(config, errors_never_echo_the_password) {
    auto r = parse(R"({"mqtt": {"password": "canary-pw", "url": 5}})");
    ASSERT_FALSE(r.error().empty());
    for (const auto& e : r.error()) EXPECT_EQ(e.to_string().find("canary-pw"), std::string::npos);
}

TEST(config, credentials_in_the_broker_url_are_refused_with_a_pointer_to_password_file) {
    auto r = parse(R"({"mqtt": {"url": "mqtt://hub:canary-pw@127.0.0.1:1883"}})");
    ASSERT_FALSE(r.has_value());
    ASSERT_EQ(r.error().size(), 1u);
    const std::string text = r.error()[0].to_string();
    EXPECT_NE(text.find("/mqtt/url"), std::string::npos) << text;
    EXPECT_NE(text.find("password_file"), std::string::npos) << text;
    EXPECT_EQ(text.find("canary-pw"), std::string::npos) << text;
}

TEST(config, shipped_example_configs_are_valid) {
    for (const char* name : {"hearth.json", "demo.json"}) {
        auto r = hearth::load_config(fs::path(HEARTH_SOURCE_DIR) / "config" / name);
        EXPECT_TRUE(r.has_value()) << name << ": " << (r.error().empty() ? "" : r.error()[0].to_string());
    }
}

namespace {

TEST(config, deep_nesting_and_latin1_are_refused_in_utf8) {
    std::string deep = "{\"mqtt\":";
    for (int i = 0; i < 100000; ++i) deep += "[";
    auto r = hearth::parse_config(deep, "test.json", ".");
    ASSERT_EQ(r.error().size(), 1u);
    EXPECT_NE(r.error()[0].reason.find("deeper than"), std::string::npos) << r.error()[0].reason;
    r = hearth::parse_config("{\"mqtt\": {\"client_id\": \"T\xfcr\"}}", "test.json", ".");
    ASSERT_EQ(r.error().size(), 1u);
    EXPECT_NO_THROW((void)nlohmann::json(r.error()[0].to_string()).dump());
}

}  // namespace

TEST(config, a_pin_pasted_into_pin_hash_or_pin_is_not_quoted_back) {
    for (const char* text :
         {R"({"locks": {"hall_lock": {"pin_hash": "4711"}}})", R"({"locks": {"hall_lock": {"pin": "4711"}}})"}) {
        auto r = parse(text);
        ASSERT_FALSE(r.error().empty()) << text;
        for (const auto& e : r.error()) EXPECT_EQ(e.to_string().find("4711"), std::string::npos) << e.to_string();
    }
    auto none = parse(R"({"locks": {"hall_lock": {"pin": "none", "max_future_skew_s": 1}}})");
    ASSERT_TRUE(none.has_value()) << none.error().at(0).to_string();
    EXPECT_TRUE(none->locks.at("hall_lock").pin_none);
    EXPECT_EQ(none->locks.at("hall_lock").max_future_skew_ms, 1000);
}

TEST(config, log_level_takes_a_per_subsystem_spec_and_names_a_bad_one) {
    auto good = parse(R"({"log": {"level": "warn,mqtt=debug"}})");
    ASSERT_TRUE(good.has_value()) << good.error().at(0).to_string();
    EXPECT_EQ(good->log_level, "warn,mqtt=debug");
    auto bad = parse(R"({"log": {"level": "info,mqt=debug"}})");
    ASSERT_FALSE(bad.has_value());
    ASSERT_EQ(bad.error().size(), 1u);
    EXPECT_EQ(bad.error()[0].to_string(),
              "test.json: /log/level: unknown logger 'mqt' (known: core, store, plugin, driver, sandbox, mqtt, rules, "
              "lock, app)");
}
