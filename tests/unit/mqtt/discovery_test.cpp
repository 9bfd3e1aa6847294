// Home Assistant discovery, pinned: every case in tests/unit/mqtt/discovery/ (a demo device
// descriptor per type plus edge cases) must produce exactly <case>.expected.json, as Zigbee2MQTT
// pins its HA extension. After a deliberate change, regenerate with
//   HEARTH_UPDATE_EXPECTED=1 build/debug/tests/unit/mqtt/mqtt_unit_tests
// and review the diff. The structural tests below hold for every case whatever the files say.
#include "mqtt/discovery.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace {

using json = nlohmann::json;
using namespace hearth;

const std::vector<std::string> cases = {
    "bathroom_washer", "bedroom_ac",
    "bedroom_blind",   "bedroom_fan",
    "front_camera",    "garage-door",
    "garage-meter",    "hall_button",
    "hall_lock",       "hall_lock_pin",
    "hall_motion",     "kitchen_fridge",
    "kitchen_plug",    "living_climate_sensor",
    "living_light",    "porch_switch",
    "robot_vacuum",    "kitchen_plug_energy",
    "tv_box",
};

std::string path_of(const std::string& name) { return std::string(DISCOVERY_CASES_DIR) + "/" + name; }

json read_json(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    return json::parse(in);
}

json discovery_for(const std::string& name) {
    const json input = read_json(path_of(name + ".json"));
    auto parsed = parse_descriptor(input.at("descriptor"));
    if (!parsed) throw std::runtime_error(name + ": descriptor refused");
    const json& o = input.at("options");
    mqtt::discovery_options options{"1.2.3", o.at("lock_code_required").get<bool>(), o.value("energy_sensors", false),
                                    o.value("currency", std::string())};
    return mqtt::discovery_config(mqtt::topic_scheme("hearth", "homeassistant"), *parsed, options);
}

class discovery_case : public ::testing::TestWithParam<std::string> {};

TEST_P(discovery_case, matches_expected_payload) {
    const std::string name = GetParam();
    const json actual = discovery_for(name);
    const std::string expected_path = path_of(name + ".expected.json");
    if (std::getenv("HEARTH_UPDATE_EXPECTED") != nullptr) {
        std::ofstream(expected_path) << actual.dump(2, ' ', false) << "\n";
    }
    const json expected = read_json(expected_path);
    EXPECT_EQ(actual, expected) << "diff (RFC 6902, expected -> actual): " << json::diff(expected, actual).dump(1);
}

INSTANTIATE_TEST_SUITE_P(per_device_type, discovery_case, ::testing::ValuesIn(cases), [](const auto& info) {
    std::string n = info.param;
    for (char& c : n) c = c == '-' ? '_' : c;
    return n;
});

// Every key Hearth publishes in a component, checked against HA's MQTT discovery abbreviation
// table (and the full option names HA has no abbreviation for). A key HA does not know is
// silently dropped by HA, as `pl_pause` was (HA's abbreviation is `pl_paus`).
const std::set<std::string>& ha_component_keys() {
    static const std::set<std::string> keys = {
        // abbreviations (HA's abbreviations.py)
        "p", "name", "uniq_id", "def_ent_id", "cmd_t", "cmd_tpl", "stat_t", "val_tpl", "stat_val_tpl", "pl_on",
        "pl_off", "on_cmd_type", "bri_cmd_t", "bri_scl", "bri_stat_t", "bri_val_tpl", "clr_temp_cmd_t",
        "clr_temp_stat_t", "clr_temp_val_tpl", "clr_temp_k", "min_k", "max_k", "modes", "mode_stat_t", "mode_stat_tpl",
        "mode_cmd_t", "mode_cmd_tpl", "temp_cmd_t", "temp_stat_t", "temp_stat_tpl", "temp_unit", "min_temp", "max_temp",
        "curr_temp_t", "curr_temp_tpl", "fan_mode_cmd_t", "fan_mode_stat_t", "fan_mode_stat_tpl", "pl_lock", "pl_unlk",
        "pl_open", "stat_locked", "stat_unlocked", "stat_locking", "stat_unlocking", "stat_jam", "stat_open", "pl_strt",
        "pl_paus", "pl_stop", "pl_ret", "pl_loc", "fanspd_lst", "set_fan_spd_t", "sup_feat", "t", "pl_prs", "evt_typ",
        "pl_cls", "pos_t", "pos_tpl", "set_pos_t", "pos_open", "pos_clsd", "stat_opening", "stat_clsd", "stat_closing",
        "stat_stopped", "pct_cmd_t", "pct_stat_t", "pct_val_tpl", "spd_rng_min", "spd_rng_max", "pr_mode_cmd_t",
        "pr_mode_stat_t", "pr_mode_val_tpl", "pr_modes", "osc_cmd_t", "osc_stat_t", "osc_val_tpl", "pl_osc_on",
        "pl_osc_off", "dir_cmd_t", "dir_stat_t", "dir_val_tpl", "dev_cla", "stat_cla", "unit_of_meas", "ent_cat", "min",
        "max", "step", "mode", "ops", "lrst_val_tpl",
        // full names without an abbreviation
        "code_format", "temp_step", "fan_modes", "options"};
    return keys;
}

TEST(discovery, every_published_key_is_known_to_home_assistant) {
    for (const auto& name : cases) {
        const json cfg = discovery_for(name);
        for (const auto& [id, c] : cfg.at("cmps").items()) {
            for (const auto& [key, _] : c.items()) {
                EXPECT_TRUE(ha_component_keys().contains(key)) << name << " " << id << ": key '" << key << "'";
            }
        }
    }
}

TEST(discovery, vacuum_pause_uses_ha_abbreviation) {
    const json c = discovery_for("robot_vacuum")["cmps"]["robot_vacuum_vacuum"];
    ASSERT_TRUE(c.contains("pl_paus")) << c;
    EXPECT_EQ(json::parse(c["pl_paus"].get<std::string>()), (json{{"command", "pause"}}));
    EXPECT_FALSE(c.contains("pl_pause"));
}

TEST(discovery, device_classes_are_valid_for_their_platform) {
    for (const auto& name : cases) {
        const json cfg = discovery_for(name);
        for (const auto& [id, c] : cfg.at("cmps").items()) {
            if (c.value("p", "") != "switch" || !c.contains("dev_cla")) continue;
            const std::string cls = c["dev_cla"];
            EXPECT_TRUE(cls == "outlet" || cls == "switch") << name << " " << id << ": " << cls;
        }
    }
    const json fridge = discovery_for("kitchen_fridge")["cmps"]["kitchen_fridge_door_open"];
    EXPECT_EQ(fridge["p"], "switch");
    EXPECT_FALSE(fridge.contains("dev_cla"));
    // A driver's device class that HA's sensor does not know ("door") is not passed on; the class
    // derived from the unit stays.
    EXPECT_EQ(discovery_for("garage-meter")["cmps"]["garage-meter_value"]["dev_cla"], "energy");
}

TEST(discovery, default_entity_id_replaces_object_id) {
    for (const auto& name : cases) {
        const json cfg = discovery_for(name);
        for (const auto& [id, c] : cfg.at("cmps").items()) {
            EXPECT_FALSE(c.contains("obj_id")) << name << " " << id;
            const std::string def = c.value("def_ent_id", "");
            EXPECT_TRUE(std::regex_match(def, std::regex("[a-z_]+\\.[a-z0-9_]+"))) << name << " " << id << ": " << def;
            EXPECT_EQ(def.substr(0, def.find('.')), c.value("p", "")) << name << " " << id;
        }
    }
    EXPECT_EQ(discovery_for("living_light")["cmps"]["living_light_light"]["def_ent_id"], "light.living_light");
    EXPECT_EQ(discovery_for("garage-meter")["cmps"]["garage-meter_voltage_v"]["def_ent_id"],
              "sensor.garage_meter_voltage_v");
}

TEST(discovery, lock_pin_is_asked_for_unlock_and_optional_for_lock) {
    const json c = discovery_for("hall_lock_pin")["cmps"]["hall_lock_lock"];
    const std::regex format(c.at("code_format").get<std::string>());
    EXPECT_TRUE(std::regex_match("", format));  // HA validates lock's code against it too
    EXPECT_TRUE(std::regex_match("1234", format));
    EXPECT_TRUE(std::regex_match("12345678", format));
    EXPECT_FALSE(std::regex_match("12a4", format));
    // No "code": "None" when HA sends no code.
    EXPECT_NE(c.at("cmd_tpl").get<std::string>().find("{% if code %}"), std::string::npos);
    EXPECT_FALSE(discovery_for("hall_lock")["cmps"]["hall_lock_lock"].contains("code_format"));
}

TEST(discovery, entity_names_carry_no_unit_suffix) {
    const std::regex unit_suffix(".* (kwh|wh|w|s|m2|k|v|c|pct|ms)$", std::regex::icase);
    for (const auto& name : cases) {
        const json cfg = discovery_for(name);
        for (const auto& [id, c] : cfg.at("cmps").items()) {
            if (!c.contains("name") || !c["name"].is_string()) continue;
            EXPECT_FALSE(std::regex_match(c["name"].get<std::string>(), unit_suffix))
                << name << " " << id << ": " << c["name"];
        }
    }
    const json plug = discovery_for("kitchen_plug")["cmps"];
    EXPECT_FALSE(plug["kitchen_plug_energy_kwh"].contains("name"));  // HA's translated "Energy"
    EXPECT_EQ(plug["kitchen_plug_energy_kwh"]["dev_cla"], "energy");
    EXPECT_EQ(discovery_for("bathroom_washer")["cmps"]["bathroom_washer_remaining_s"]["name"], "Remaining time");
    EXPECT_EQ(discovery_for("robot_vacuum")["cmps"]["robot_vacuum_clean_area_m2"]["name"], "Cleaned area");
}

TEST(discovery, energy_and_cost_sensors_for_the_energy_dashboard) {
    const json plug = discovery_for("kitchen_plug_energy")["cmps"];
    const json& today = plug["kitchen_plug_energy_energy_today"];
    EXPECT_EQ(today["stat_t"], "hearth/kitchen_plug_energy/energy");
    EXPECT_EQ(today["dev_cla"], "energy");
    EXPECT_EQ(today["stat_cla"], "total_increasing");
    EXPECT_EQ(today["unit_of_meas"], "kWh");
    const json& cost = plug["kitchen_plug_energy_cost_month"];
    EXPECT_EQ(cost["dev_cla"], "monetary");  // HA allows monetary only with state class total
    EXPECT_EQ(cost["stat_cla"], "total");
    EXPECT_EQ(cost["unit_of_meas"], "CNY");
    EXPECT_EQ(cost["lrst_val_tpl"], "{{ value_json.month_start }}");
    // Power only, no currency configured: energy sensors without cost.
    const json tv = discovery_for("tv_box")["cmps"];
    EXPECT_TRUE(tv.contains("tv_box_energy_month"));
    EXPECT_FALSE(tv.contains("tv_box_cost_today"));
    // No energy data: no energy sensors even when they are on.
    const json input = read_json(path_of("living_light.json"));
    auto light = parse_descriptor(input.at("descriptor"));
    ASSERT_TRUE(light.has_value());
    EXPECT_FALSE(mqtt::has_energy_data(*light));
    const json cfg = mqtt::discovery_config(mqtt::topic_scheme("hearth", "homeassistant"), *light,
                                            mqtt::discovery_options{"1.2.3", false, true, "CNY"});
    for (const auto& [id, c] : cfg.at("cmps").items()) EXPECT_EQ(id.find("energy_today"), std::string::npos) << id;
}

TEST(discovery, camera_event_entity_lists_only_events_that_arrive_on_the_event_topic) {
    const json c = discovery_for("front_camera")["cmps"]["front_camera_event"];
    EXPECT_EQ(c["evt_typ"], json::array({"doorbell", "motion"}));
    // Only snapshots: no event entity at all.
    EXPECT_FALSE(discovery_for("garage-meter")["cmps"].contains("garage-meter_event"));
}

TEST(discovery, cover_sends_the_device_model_commands_and_disables_missing_ones) {
    const json c = discovery_for("bedroom_blind")["cmps"]["bedroom_blind_cover"];
    EXPECT_EQ(c["def_ent_id"], "cover.bedroom_blind");
    EXPECT_EQ(json::parse(c["pl_open"].get<std::string>()), (json{{"command", "open"}}));
    EXPECT_EQ(json::parse(c["pl_cls"].get<std::string>()), (json{{"command", "close"}}));
    EXPECT_EQ(json::parse(c["pl_stop"].get<std::string>()), (json{{"command", "stop"}}));
    EXPECT_EQ(c["set_pos_t"], "hearth/bedroom_blind/set/position");
    // open/close/stop are the cover entity itself, not extra buttons.
    EXPECT_FALSE(discovery_for("bedroom_blind")["cmps"].contains("bedroom_blind_cmd_open"));
    const json g = discovery_for("garage-door")["cmps"]["garage-door_cover"];
    EXPECT_TRUE(g["pl_stop"].is_null());    // HA's default "STOP" would reach a device without stop
    EXPECT_FALSE(g.contains("set_pos_t"));  // read-only position
    EXPECT_FALSE(g.contains("stat_stopped"));
}

TEST(discovery, button_is_an_event_entity_named_after_the_device) {
    const json cmps = discovery_for("hall_button")["cmps"];
    ASSERT_EQ(cmps.size(), 1u) << cmps;
    const json c = cmps["hall_button_event"];
    EXPECT_EQ(c["def_ent_id"], "event.hall_button");
    EXPECT_TRUE(c["name"].is_null());
    EXPECT_EQ(c["dev_cla"], "button");
    EXPECT_EQ(c["evt_typ"], json::parse(R"(["double_push","long_push","single_push"])"));
}

}  // namespace
