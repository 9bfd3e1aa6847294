// Unit tests of the Tuya DPS mappings (plugins/tuya/mapping): the shipped category files load,
// values convert both ways (booleans, W/10 scales, the bulb's 10..1000 brightness and 0..1000
// colour temperature ranges, enums), device values of the wrong type or out of range are skipped,
// writes to read-only or unknown properties are refused, and malformed mapping files are refused
// with the reason.
#include "tuya_mapping.hpp"

#include <gtest/gtest.h>

#ifndef TUYA_MODELS_DIR
#error "TUYA_MODELS_DIR must name plugins/tuya/models"
#endif

namespace hearth::tuya {
namespace {

category_mapping load(const std::string& category) { return load_mapping_file(TUYA_MODELS_DIR, category); }

TEST(tuya_mapping, shipped_categories_load_with_their_device_types) {
    EXPECT_EQ(load("plug").type, "plug");
    EXPECT_EQ(load("bulb").type, "light");
    EXPECT_EQ(load("contact").type, "binary_sensor");
    EXPECT_EQ(load("ac").type, "climate");
    EXPECT_EQ(load("curtain").type, "cover");
    EXPECT_EQ(load("fan").type, "fan");
    const json d = make_descriptor(load("plug"), "desk_plug", "Desk plug");
    EXPECT_EQ(d["id"], "desk_plug");
    EXPECT_EQ(d["properties"]["on"]["writable"], true);
    EXPECT_EQ(d["properties"]["power_w"]["unit"], "W");
    EXPECT_TRUE(d["commands"].contains("turn_on"));
    EXPECT_THROW(load("no_such_category"), std::invalid_argument);
    EXPECT_THROW(load("../plug"), std::invalid_argument);
}

TEST(tuya_mapping, plug_metering_scales) {
    const auto m = load("plug");
    const json state = state_from_dps(m, {{"1", true}, {"17", 1234}, {"18", 435}, {"19", 1000}, {"20", 2301}});
    EXPECT_EQ(
        state,
        (json{{"on", true}, {"energy_kwh", 12.34}, {"current_ma", 435}, {"power_w", 100.0}, {"voltage_v", 230.1}}));
    EXPECT_EQ(dps_for(m, {{"on", false}}), (json{{"1", false}}));
    EXPECT_THROW(dps_for(m, {{"power_w", 5}}), std::invalid_argument);  // read-only
    EXPECT_THROW(dps_for(m, {{"colour", 5}}), std::invalid_argument);   // unknown
    EXPECT_THROW(dps_for(m, {{"on", 1}}), std::invalid_argument);       // wrong type
    EXPECT_THROW(dps_for(m, json::object()), std::invalid_argument);
}

TEST(tuya_mapping, bulb_ranges_round_trip) {
    const auto m = load("bulb");
    EXPECT_EQ(dps_for(m, {{"brightness", 50}}), (json{{"22", 505}}));
    EXPECT_EQ(dps_for(m, {{"brightness", 0}}), (json{{"22", 10}}));
    EXPECT_EQ(dps_for(m, {{"brightness", 100}}), (json{{"22", 1000}}));
    EXPECT_EQ(dps_for(m, {{"color_temp_k", 4000}}), (json{{"23", 342}}));
    EXPECT_EQ(state_from_dps(m, {{"22", 505}, {"23", 342}}), (json{{"brightness", 50}, {"color_temp_k", 4000}}));
    EXPECT_THROW(dps_for(m, {{"brightness", 101}}), std::invalid_argument);
    EXPECT_THROW(dps_for(m, {{"color_temp_k", 2000}}), std::invalid_argument);
    EXPECT_EQ(dps_for(m, {{"work_mode", "colour"}}), (json{{"21", "colour"}}));
    EXPECT_THROW(dps_for(m, {{"work_mode", "disco"}}), std::invalid_argument);
}

TEST(tuya_mapping, air_conditioner_modes_and_temperatures) {
    const auto m = load("ac");
    EXPECT_EQ(
        state_from_dps(m, {{"1", true}, {"2", 24}, {"3", 27}, {"4", "cold"}, {"5", "mid"}}),
        (json{{"on", true}, {"target_temp", 24.0}, {"current_temp", 27.0}, {"mode", "cool"}, {"fan_speed", "medium"}}));
    EXPECT_EQ(dps_for(m, {{"mode", "dry"}, {"target_temp", 22}}), (json{{"4", "wet"}, {"2", 22}}));
    EXPECT_THROW(dps_for(m, {{"target_temp", 40}}), std::invalid_argument);
    EXPECT_THROW(dps_for(m, {{"mode", "turbo"}}), std::invalid_argument);
}

TEST(tuya_mapping, curtain_writes_its_control_dp_and_reads_the_position_the_motor_reports) {
    const auto m = load("curtain");
    const json d = make_descriptor(m, "blind", "Blind");
    EXPECT_EQ(d["properties"],
              json::parse(R"({"position":{"type":"int","min":0,"max":100,"unit":"%","writable":true}})"))
        << "the control DP is hidden";
    EXPECT_EQ(d["commands"], json::parse(R"({"open":{"params":{}},"close":{"params":{}},"stop":{"params":{}}})"));
    // percent_control (DP 2) is written, percent_state (DP 3) is the position; DP 2 reports are not.
    EXPECT_EQ(dps_for(m, {{"position", 40}}), (json{{"2", 40}}));
    std::vector<std::string> skipped;
    const json state = state_from_dps(m, {{"1", "open"}, {"2", 100}, {"3", 35}}, &skipped);
    EXPECT_EQ(state, (json{{"control", "open"}, {"position", 35}}));
    EXPECT_EQ(skipped, std::vector<std::string>{"DP 2 (not mapped)"});
    EXPECT_EQ(visible_state(m, state), (json{{"position", 35}}));
    EXPECT_EQ(dps_for(m, {{"control", "close"}}), (json{{"1", "close"}}));
}

TEST(tuya_mapping, fan_speed_preset_oscillation_and_direction) {
    const auto m = load("fan");
    EXPECT_EQ(
        state_from_dps(m, {{"1", true}, {"2", "sleep"}, {"3", 60}, {"5", true}, {"8", "reverse"}}),
        (json{{"on", true}, {"preset", "sleep"}, {"speed_pct", 60}, {"oscillating", true}, {"direction", "reverse"}}));
    EXPECT_EQ(dps_for(m, {{"speed_pct", 100}, {"direction", "forward"}}), (json{{"3", 100}, {"8", "forward"}}));
    EXPECT_THROW(dps_for(m, {{"speed_pct", 0}}), std::invalid_argument);
    EXPECT_THROW(dps_for(m, {{"preset", "turbo"}}), std::invalid_argument);
}

TEST(tuya_mapping, untrusted_device_values_that_do_not_map_are_skipped_and_named) {
    const auto m = load("bulb");
    std::vector<std::string> skipped;
    const json state =
        state_from_dps(m, {{"20", "yes"}, {"21", "disco"}, {"22", 5000}, {"99", 1}, {"23", 0}}, &skipped);
    EXPECT_EQ(state, (json{{"color_temp_k", 2700}}));
    EXPECT_EQ(skipped.size(), 4U);
    EXPECT_TRUE(state_from_dps(m, json::array({1, 2})).empty());
    EXPECT_TRUE(state_from_dps(m, "dps").empty());
}

TEST(tuya_mapping, malformed_mappings_are_refused_with_the_reason) {
    const json good = {{"category", "x"},
                       {"type", "switch"},
                       {"name", "X"},
                       {"properties", {{"on", {{"dp", 1}, {"spec", {{"type", "bool"}, {"writable", true}}}}}}}};
    EXPECT_NO_THROW(parse_mapping(good));
    auto expect_refused = [](json doc, const std::string& reason) {
        try {
            parse_mapping(doc);
            ADD_FAILURE() << "accepted: " << doc.dump();
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
        }
    };
    json d = good;
    d["properties"]["on"]["dp"] = 0;
    expect_refused(d, "'dp' must be an integer 1..255");
    d = good;
    d["properties"]["again"] = good["properties"]["on"];
    expect_refused(d, "is mapped twice");
    d = good;
    d["properties"]["on"]["device_range"] = json::array({0, 10});
    expect_refused(d, "come together");
    d = good;
    d["commands"] = {{"go", {{"set", {{"missing", true}}}}}};
    expect_refused(d, "not a writable property");
    d = good;
    d["properties"]["on"]["report_dp"] = 256;
    expect_refused(d, "'report_dp' must be an integer 1..255");
    d = good;
    d["properties"]["on"]["hidden"] = "yes";
    expect_refused(d, "'hidden' must be true or false");
    d = good;
    d["properties"]["level"] = {{"dp", 2}, {"report_dp", 1}, {"spec", {{"type", "int"}}}};
    expect_refused(d, "DP 1 is mapped twice");
    d = good;
    d.erase("type");
    expect_refused(d, "'type' must be a non-empty string");
}

}  // namespace
}  // namespace hearth::tuya
