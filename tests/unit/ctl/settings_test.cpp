// Unit tests of hearthctl's connection settings (src/ctl/settings.hpp): config file, fallbacks
// and command-line overrides.
#include "ctl/settings.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace hearth::ctl {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class Settings : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "hearthctl-settings-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path write(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / name) << text;
        return dir_ / name;
    }
    client_settings make(const std::vector<std::string>& args) {
        return make_settings(
            parse_args(args, {{"config", true}, {"url", true}, {"port", true}, {"base", true}, {"timeout", true}}),
            warnings_);
    }
    fs::path dir_;
    std::ostringstream warnings_;
};

TEST_F(Settings, ReadsTheDaemonsConfig) {
    write("secret", "s3cret\n");
    const auto cfg = write("hearth.json", R"({"mqtt":{"url":"mqtt://10.0.0.2:1884","base_topic":"home",
        "client_id":"hearth-main","username":"u","password_file":"secret"}})");
    const auto s = make({"devices", "--config", cfg.string()});
    EXPECT_EQ(s.url, "mqtt://10.0.0.2:1884");
    EXPECT_EQ(s.base_topic, "home");
    EXPECT_EQ(s.username, "u");
    EXPECT_EQ(s.password, "s3cret");
    EXPECT_EQ(s.timeout, 5s);
    EXPECT_TRUE(warnings_.str().empty()) << warnings_.str();
}

TEST_F(Settings, OptionsOverrideTheConfig) {
    const auto cfg = write("hearth.json", R"({"mqtt":{"url":"mqtt://10.0.0.2:1884","base_topic":"home"}})");
    auto s = make({"devices", "--config", cfg.string(), "--port", "1999", "--base", "other", "--timeout", "0.5"});
    EXPECT_EQ(s.url, "mqtt://127.0.0.1:1999");
    EXPECT_EQ(s.base_topic, "other");
    EXPECT_EQ(s.timeout, 500ms);
    s = make({"devices", "--config", cfg.string(), "--url", "mqtts://hub:8883"});
    EXPECT_EQ(s.url, "mqtts://hub:8883");
}

TEST_F(Settings, BadOptionsAreUsageErrors) {
    const auto cfg = write("hearth.json", "{}");
    const std::string c = cfg.string();
    EXPECT_THROW(make({"devices", "--config", c, "--url", "http://x"}), usage_error);
    EXPECT_THROW(make({"devices", "--config", c, "--url", "mqtt://x:1", "--port", "2"}), usage_error);
    EXPECT_THROW(make({"devices", "--config", c, "--port", "70000"}), usage_error);
    EXPECT_THROW(make({"devices", "--config", c, "--timeout", "0"}), usage_error);
    EXPECT_THROW(make({"devices", "--config", c, "--timeout", "abc"}), usage_error);
    EXPECT_THROW(make({"devices", "--config", c, "--base", "a/#"}), usage_error);
    EXPECT_THROW(make({"devices", "--config", (dir_ / "missing.json").string()}), usage_error);
}

TEST_F(Settings, InvalidConfigFallsBackToItsMqttSection) {
    // An unknown key makes the config invalid for hearthd; hearthctl still finds its broker.
    const auto cfg = write("hearth.json", R"({"mqtt":{"url":"mqtt://10.0.0.3:1883","base_topic":"b",
        "password":"Zq9-secret-Zq9"},"bogus":1})");
    const auto s = make({"devices", "--config", cfg.string()});
    EXPECT_EQ(s.url, "mqtt://10.0.0.3:1883");
    EXPECT_EQ(s.base_topic, "b");
    EXPECT_EQ(s.password, "Zq9-secret-Zq9");
    EXPECT_NE(warnings_.str().find("warning"), std::string::npos);
    EXPECT_EQ(warnings_.str().find("Zq9-secret"), std::string::npos) << "the password must never be printed";
}

TEST_F(Settings, TimeoutParsing) {
    EXPECT_EQ(parse_timeout("1"), 1000ms);
    EXPECT_EQ(parse_timeout("2.5"), 2500ms);
    EXPECT_FALSE(parse_timeout("").has_value());
    EXPECT_FALSE(parse_timeout("-1").has_value());
    EXPECT_FALSE(parse_timeout("1s").has_value());
    EXPECT_FALSE(parse_timeout("nan").has_value());
}

}  // namespace
}  // namespace hearth::ctl
