// Every shipped driver declares a config schema, and hearthd --check-config names a mistyped key
// of each one with its pointer in the main config and a hint — without quoting secrets.
#include <hearth/testing/process.hpp>
#include <hearth/testing/temp_dir.hpp>
#include "zoo_harness.hpp"

#include <fstream>

namespace {

using json = nlohmann::json;

struct shipped_case {
    const char* plugin;
    json good;         ///< a valid config
    const char* typo;  ///< a key close to a real one
    const char* hint;  ///< the key the hint must name
};

const std::vector<shipped_case>& cases() {
    static const std::vector<shipped_case> all = {
        {"demo", {{"tick_ms", 1000}}, "tick_m", "tick_ms"},
        {"yeelight", {{"lights", json::array({{{"id", "l"}, {"host", "127.0.0.1"}}})}}, "timout_ms", "timeout_ms"},
        {"nuki", {{"host", "127.0.0.1"}, {"token", "abc123"}}, "tokn", "token"},
        {"isapi_camera", {{"host", "127.0.0.1"}, {"username", "admin"}, {"password", "pw"}}, "pasword", "password"},
        {"vacuum_miio", {{"host", "127.0.0.1"}, {"token", std::string(32, 'a')}, {"id", "v"}}, "retrys", "retries"},
        {"miot",
         {{"host", "127.0.0.1"}, {"token", std::string(32, 'a')}, {"id", "m"}, {"model", "x"}},
         "mapping_dr",
         "mapping_dir"},
    };
    return all;
}

TEST(shipped_schemas, check_config_names_a_mistyped_key_of_every_shipped_driver) {
    const hearth::testing::temp_dir t("shipped-schemas");
    const auto file = t / "hearth.json";
    for (const auto& c : cases()) {
        SCOPED_TRACE(c.plugin);
        json config = c.good;
        config[c.typo] = "secret-value-never-shown";
        std::ofstream(file) << json{{"database", {{"path", (t / "h.db").string()}}},
                                    {"plugins", {{"dir", PLUGIN_DIR}}},
                                    {"drivers", json::array({{{"plugin", c.plugin}, {"id", "d"}, {"config", config}}})}}
                                   .dump(2);
        const auto bad =
            hearth::testing::run_capture({HEARTHD_PATH, "--check-config", "--config", file.string()}, t.path());
        EXPECT_EQ(bad.code, 2) << bad.err;
        EXPECT_TRUE(zoo::contains(bad.err, file.string() + ": /drivers/0/config/" + c.typo + ": unknown key '" +
                                               c.typo + "' (did you mean '" + c.hint + "'?)"));
        EXPECT_FALSE(zoo::contains(bad.err, "secret-value-never-shown"));

        std::ofstream(file) << json{{"database", {{"path", (t / "h.db").string()}}},
                                    {"plugins", {{"dir", PLUGIN_DIR}}},
                                    {"drivers", json::array({{{"plugin", c.plugin}, {"id", "d"}, {"config", c.good}}})}}
                                   .dump(2);
        const auto good =
            hearth::testing::run_capture({HEARTHD_PATH, "--check-config", "--config", file.string()}, t.path());
        EXPECT_EQ(good.code, 0) << good.err;
    }
}

}  // namespace
