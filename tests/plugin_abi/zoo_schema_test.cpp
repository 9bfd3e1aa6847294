// ABI v1.2 config schemas end to end: the loader keeps the schema; a config that does not match
// never reaches the plugin (quarantined with the located problem, the neighbour unharmed); the
// driver host's --describe prints it; hearthd --check-config names a bad key with its pointer in
// the main config and a hint, and never quotes a secret.
#include <hearth/testing/process.hpp>
#include <hearth/testing/temp_dir.hpp>
#include "zoo_harness.hpp"

#include <fstream>

namespace {

using json = nlohmann::json;
using zoo::contains;
using zoo::driver;
using zoo::harness;

hearth::driver_config schema_driver(const json& config) {
    auto dc = driver("zoo_schema", "schema");
    dc.config = config;
    return dc;
}

TEST(zoo_schema, the_loader_keeps_the_plugins_config_schema) {
    const auto r = hearth::load_plugin(zoo::plugin_file("zoo_schema"), "zoo_schema");
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r.value()->api.abi_minor, static_cast<std::uint32_t>(HEARTH_ABI_MINOR));
    EXPECT_TRUE(contains(r.value()->config_schema, R"("required": ["host"])"));
}

TEST(zoo_schema, a_config_that_does_not_match_never_reaches_the_plugin) {
    harness h;
    zoo::start_with_good_neighbour(h, {schema_driver({{"host", "10.0.0.9"}, {"tokn", "s3cret"}})});
    ASSERT_TRUE(h.wait_bridge("plugin_failed", "schema"));
    const auto reason = h.rec.bridge_event("plugin_failed", "schema")->value("reason", "");
    EXPECT_EQ(reason, "invalid config: /config/tokn: unknown key 'tokn' (did you mean 'token'?)");
    EXPECT_EQ(to_string(h.status_of("schema").state), "quarantined");
    EXPECT_TRUE(h.rec.added == std::vector<std::string>{"good_switch"}) << "the plugin was never created";
    h.expect_good_neighbour_works();
}

TEST(zoo_schema, a_matching_config_runs) {
    harness h;
    zoo::start_with_good_neighbour(h, {schema_driver({{"host", "10.0.0.9"}, {"token", "abc"}})});
    EXPECT_TRUE(h.run_until([&] { return h.gw->drivers_ready(); }));
    EXPECT_EQ(to_string(h.status_of("schema").state), "running");
}

TEST(zoo_schema, driver_host_describe_prints_what_the_plugin_declares) {
    const hearth::testing::temp_dir t("describe");
    const auto r = hearth::testing::run_capture(
        {DRIVER_HOST_PATH, "--describe", zoo::plugin_file("zoo_schema").string(), "zoo_schema"}, t.path());
    ASSERT_EQ(r.code, 0) << r.err;
    const json answer = json::parse(r.out);
    EXPECT_EQ(answer.at("name"), "zoo_schema");
    EXPECT_EQ(answer.at("version"), "1.0.0");
    EXPECT_EQ(json::parse(answer.at("config_schema").get<std::string>()).at("required"), json::array({"host"}));

    const auto missing = hearth::testing::run_capture(
        {DRIVER_HOST_PATH, "--describe", zoo::plugin_file("zoo_no_entry").string(), "zoo_no_entry"}, t.path());
    EXPECT_EQ(missing.code, 1);
    EXPECT_TRUE(contains(missing.out, "no entry symbol"));
}

TEST(zoo_schema, check_config_names_bad_driver_keys_with_pointer_and_hint) {
    const hearth::testing::temp_dir t("check-schema");
    const auto file = t / "hearth.json";
    std::ofstream(file) << json{{"database", {{"path", (t / "h.db").string()}}},
                                {"plugins", {{"dir", ZOO_DIR}}},
                                {"drivers", json::array({{{"plugin", "zoo_good"}, {"id", "good"}},
                                                         {{"plugin", "zoo_schema"},
                                                          {"id", "schema"},
                                                          {"config", {{"tokn", "hunter2"}, {"poll_interval_s", 0}}}}})}}
                               .dump(2);
    const auto r = hearth::testing::run_capture({HEARTHD_PATH, "--check-config", "--config", file.string()}, t.path());
    EXPECT_EQ(r.code, 2) << r.err;
    const std::string where = file.string() + ": /drivers/1/config";
    EXPECT_TRUE(contains(r.err, where + "/tokn: unknown key 'tokn' (did you mean 'token'?)"));
    EXPECT_TRUE(contains(r.err, where + ": missing required key 'host'"));
    EXPECT_TRUE(contains(r.err, where + "/poll_interval_s: 0 is below the minimum 1"));
    EXPECT_FALSE(contains(r.err, "hunter2"));

    std::ofstream(file)
        << json{{"database", {{"path", (t / "h.db").string()}}},
                {"plugins", {{"dir", ZOO_DIR}}},
                {"drivers",
                 json::array({{{"plugin", "zoo_schema"}, {"id", "schema"}, {"config", {{"host", "10.0.0.9"}}}}})}}
               .dump(2);
    const auto ok = hearth::testing::run_capture({HEARTHD_PATH, "--check-config", "--config", file.string()}, t.path());
    EXPECT_EQ(ok.code, 0) << ok.err;
}

}  // namespace
