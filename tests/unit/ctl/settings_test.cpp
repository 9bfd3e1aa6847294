// Unit tests of hearthctl's connection settings (src/ctl/settings.hpp): config file, fallbacks
// and command-line overrides.
#include "ctl/settings.hpp"
#include <hearth/testing/temp_dir.hpp>

#include <gtest/gtest.h>

#include <sys/wait.h>
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
    void SetUp() override { dir_ = hearth::testing::make_temp_dir("ctl-settings"); }
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

/// Runs `make_settings` with `default_path` as a user who cannot read it (root drops to nobody
/// in a child; another user's child has the permissions removed) and returns the child's
/// verdict: 0 defaults + a warning naming the file, --config and --url; 1 wrong settings;
/// 2 no or a wrong warning; 3 it threw; 4 the child could not drop privileges.
int run_unreadable(const fs::path& default_path, const fs::path& chmod_target, const std::vector<std::string>& args) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::geteuid() == 0) {
            if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(4);
        } else {
            fs::permissions(chmod_target, fs::perms::none);
        }
        try {
            std::ostringstream warn;
            const auto s = make_settings(
                parse_args(args, {{"config", true}, {"url", true}, {"port", true}, {"base", true}, {"timeout", true}}),
                warn, default_path.string());
            const std::string w = warn.str();
            if (args.empty()) {
                if (s.url != "mqtt://127.0.0.1:1883" || s.base_topic != "hearth" || !s.username.empty()) ::_exit(1);
                if (w.find("cannot read " + default_path.string()) == std::string::npos ||
                    w.find("--config FILE") == std::string::npos || w.find("--url") == std::string::npos)
                    ::_exit(2);
            } else if (!w.empty()) {
                ::_exit(2);  // --url given: the user already pointed elsewhere
            }
            ::_exit(0);
        } catch (...) {
            ::_exit(3);
        }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    fs::permissions(chmod_target, fs::perms::owner_all);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST_F(Settings, UnreadableDefaultConfigIsReportedWithHowToPointElsewhere) {
    // The directory cannot be searched (like /etc/hearth 0750 root:hearth for another user).
    const fs::path sub = dir_ / "etc-hearth";
    fs::create_directory(sub);
    fs::permissions(sub, fs::perms::owner_all);
    std::ofstream(sub / "hearth.json") << R"({"mqtt": {"url": "mqtt://127.0.0.1:1999", "username": "u"}})";
    EXPECT_EQ(run_unreadable(sub / "hearth.json", sub, {}), 0);
    EXPECT_EQ(run_unreadable(sub / "hearth.json", sub, {"--url", "mqtt://127.0.0.1:1884"}), 0);
    // The directory can be searched but the file cannot be read.
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    const fs::path file = write("hearth.json", R"({"mqtt": {"url": "mqtt://127.0.0.1:1999"}})");
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(run_unreadable(file, file, {}), 0);
}

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
