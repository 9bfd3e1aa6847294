// Unit tests of the pure parts of the miIO drivers: Roborock tables and get_status conversion,
// the MIoT model mappings shipped in plugins/miio/miot/models (MIOT_MODELS_DIR), availability
// hysteresis and the shared config parser (the token never appears in its errors).
#include "miio_driver.hpp"
#include "miot_mapping.hpp"
#include "roborock_map.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#ifndef MIOT_MODELS_DIR
#error "MIOT_MODELS_DIR must name plugins/miio/miot/models"
#endif

namespace {

using json = nlohmann::json;
using namespace hearth::miio;

TEST(Roborock, StateCodes) {
    EXPECT_EQ(roborock::operational_state(5, 80), "running");
    EXPECT_EQ(roborock::operational_state(18, 80), "running");
    EXPECT_EQ(roborock::operational_state(10, 80), "paused");
    EXPECT_EQ(roborock::operational_state(6, 80), "seeking_charger");
    EXPECT_EQ(roborock::operational_state(15, 80), "seeking_charger");
    EXPECT_EQ(roborock::operational_state(8, 80), "charging");
    EXPECT_EQ(roborock::operational_state(8, 100), "docked");
    EXPECT_EQ(roborock::operational_state(100, 100), "docked");
    EXPECT_EQ(roborock::operational_state(12, 80), "error");
    EXPECT_EQ(roborock::operational_state(3, 80), "stopped");
    EXPECT_EQ(roborock::operational_state(999, 80), "stopped");
}

TEST(Roborock, ErrorCodes) {
    EXPECT_EQ(roborock::error_name(0), "none");
    EXPECT_EQ(roborock::error_name(8), "stuck");
    EXPECT_EQ(roborock::error_name(9), "dust_bin_missing");
    EXPECT_EQ(roborock::error_name(7), "wheels_jammed");
    EXPECT_EQ(roborock::error_name(5), "brush_jammed");
    EXPECT_EQ(roborock::error_name(12), "low_battery");
    EXPECT_EQ(roborock::error_name(1), "navigation_sensor_obscured");
    EXPECT_EQ(roborock::error_name(254), "dust_bin_full");
    EXPECT_EQ(roborock::error_name(4242), "unable_to_complete_operation");
}

TEST(Roborock, FanSpeedsAndSegments) {
    EXPECT_EQ(roborock::fan_power("quiet"), 101);
    EXPECT_EQ(roborock::fan_power("max"), 104);
    EXPECT_FALSE(roborock::fan_power("turbo").has_value());
    EXPECT_EQ(roborock::fan_speed(103), "strong");
    EXPECT_EQ(roborock::fan_speed(60), "standard");  // legacy percentage
    EXPECT_EQ(roborock::parse_segments("16, 17"), (std::vector<int>{16, 17}));
    EXPECT_THROW(roborock::parse_segments("kitchen"), std::invalid_argument);
    EXPECT_THROW(roborock::parse_segments(" , "), std::invalid_argument);
}

TEST(Roborock, StatusToState) {
    const json status = json::parse(R"([{"state":5,"battery":87,"fan_power":102,"clean_area":21400000,
        "clean_time":1070,"error_code":0,"in_cleaning":1}])");
    const json s = roborock::status_to_state(status);
    EXPECT_EQ(s["operational_state"], "running");
    EXPECT_EQ(s["battery"], 87);
    EXPECT_EQ(s["fan_speed"], "standard");
    EXPECT_DOUBLE_EQ(s["clean_area_m2"].get<double>(), 21.4);  // mm² / 1e6
    EXPECT_EQ(s["clean_time_s"], 1070);
    EXPECT_EQ(s["error"], "none");
    const json err = roborock::status_to_state(json::parse(R"({"state":12,"battery":50,"error_code":8})"));
    EXPECT_EQ(err["operational_state"], "error");
    EXPECT_EQ(err["error"], "stuck");
    EXPECT_THROW(roborock::status_to_state(json::parse(R"([{"battery":1}])")), std::invalid_argument);
}

TEST(Roborock, Consumables) {
    const json c = roborock::consumables_to_state(json::parse(
        R"([{"main_brush_work_time":36000,"side_brush_work_time":720000,"filter_work_time":0,"sensor_dirty_time":3600}])"));
    EXPECT_EQ(c["main_brush_left_h"], 290);
    EXPECT_EQ(c["side_brush_left_h"], 0);  // worn out: clamped
    EXPECT_EQ(c["filter_left_h"], 150);
    EXPECT_EQ(c["sensor_dirty_left_h"], 29);
}

TEST(Miot, AirConditionerMapping) {
    const auto m = miot::load_mapping_file(MIOT_MODELS_DIR, "example.aircondition.v1");
    EXPECT_EQ(m.type, "climate");
    const auto* mode = m.find_property("mode");
    ASSERT_NE(mode, nullptr);
    EXPECT_EQ(miot::from_miot(*mode, 1).value(), "heat");
    EXPECT_EQ(miot::to_miot(*mode, "auto"), 4);
    EXPECT_FALSE(miot::from_miot(*mode, 9).has_value());
    EXPECT_THROW(miot::to_miot(*mode, "turbo"), std::invalid_argument);
    const auto* cur = m.find_property("current_temp");
    ASSERT_NE(cur, nullptr);
    EXPECT_DOUBLE_EQ(miot::from_miot(*cur, 264).value().get<double>(), 26.4);  // scale 0.1
    const json d = miot::make_descriptor(m, "bedroom_ac", "Bedroom AC");
    EXPECT_EQ(d["properties"]["target_temp"]["writable"], true);
    EXPECT_EQ(d["properties"]["current_temp"]["writable"], false);
    EXPECT_TRUE(d["commands"].contains("turn_on"));
}

TEST(Miot, RefrigeratorAndWasherMappings) {
    const auto f = miot::load_mapping_file(MIOT_MODELS_DIR, "example.fridge.v1");
    EXPECT_EQ(f.type, "refrigerator");
    EXPECT_NE(f.find_property("fridge_temp"), nullptr);
    EXPECT_NE(f.find_property("freezer_temp"), nullptr);
    const auto w = miot::load_mapping_file(MIOT_MODELS_DIR, "example.washer.v1");
    EXPECT_EQ(w.type, "washer");
    const auto* rem = w.find_property("remaining_s");
    ASSERT_NE(rem, nullptr);
    EXPECT_EQ(miot::from_miot(*rem, 3).value(), 180);  // minutes -> s
    const auto ev = miot::events_for(w, {{"operational_state", "running"}, {"program", "quick"}},
                                     {{"operational_state", "stopped"}, {"program", "quick"}});
    ASSERT_EQ(ev.size(), 1U);
    EXPECT_EQ(ev[0]["event_type"], "cycle_finished");
    EXPECT_EQ(ev[0]["program"], "quick");
    EXPECT_TRUE(miot::events_for(w, {{"operational_state", "paused"}}, {{"operational_state", "stopped"}}).empty());
}

TEST(Miot, RefusesBadModelsAndFiles) {
    EXPECT_THROW(miot::load_mapping_file(MIOT_MODELS_DIR, "../etc/passwd"), std::invalid_argument);
    EXPECT_THROW(miot::load_mapping_file(MIOT_MODELS_DIR, "no.such.model"), std::invalid_argument);
    EXPECT_THROW(
        miot::parse_mapping(json::parse(
            R"({"model":"x","type":"climate","properties":{"on":{"siid":0,"piid":1,"spec":{"type":"bool"}}}})")),
        std::invalid_argument);
    EXPECT_THROW(miot::parse_mapping(json::parse(
                     R"({"model":"x","type":"climate","properties":{"on":{"siid":2,"piid":1,"spec":{"type":"bool"}}},
        "commands":{"x":{"steps":[{"set":{"on":true}}]}}})")),
                 std::invalid_argument);  // "on" is not writable
}

TEST(Availability, Hysteresis) {  // the drivers' kit::availability, as they configure it
    std::vector<bool> reports;
    hearth::kit::availability a([&](bool online) { reports.push_back(online); }, 3);
    a.failure();
    a.failure();
    EXPECT_TRUE(reports.empty());
    a.failure();  // offline only after 3 in a row
    EXPECT_EQ(reports, std::vector<bool>{false});
    a.failure();
    a.success();
    a.success();
    a.failure();
    a.success();  // a single failure never flaps
    EXPECT_EQ(reports, (std::vector<bool>{false, true}));
}

TEST(Config, ValidatesWithoutEchoingTheToken) {
    const json good = {{"host", "127.0.0.1"}, {"token", "00112233445566778899aabbccddeeff"}, {"id", "vac"}};
    const auto c = parse_common_config(good, "Vacuum");
    EXPECT_EQ(c.name, "Vacuum");
    EXPECT_EQ(c.offline_after_failures, 3);
    EXPECT_EQ(c.poll_interval.count(), 5000);
    EXPECT_EQ(c.client.port, 54321);
    EXPECT_EQ(c.client.timeout.count(), 1500);
    EXPECT_EQ(c.client.retries, 2);
    EXPECT_EQ(c.client.token, *parse_token("00112233445566778899AABBCCDDEEFF"));
    const std::string secret = "Zecret-Canary-Token-0123456789ab";
    json bad = good;
    bad["token"] = secret;
    try {
        parse_common_config(bad, "x");
        FAIL() << "accepted a bad token";
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos);
    }
}

}  // namespace
