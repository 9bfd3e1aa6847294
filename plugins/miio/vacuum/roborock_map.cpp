// Role: the Roborock <-> Hearth mapping tables. Sources: python-miio
// miio/integrations/roborock/vacuum/vacuumcontainers.py (STATE_CODE_TO_STRING, ERROR_CODES) and
// vacuum.py (fan speed presets 101..105), which document the Roborock miIO protocol publicly.
#include "roborock_map.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>

namespace hearth::miio::roborock {

namespace {

// Roborock state code -> Hearth operational_state (python-miio STATE_CODE_TO_STRING names in the comments).
const std::map<int, std::string>& state_table() {
    static const std::map<int, std::string> table = {
        {1, "running"},           // Starting
        {2, "stopped"},           // Charger disconnected
        {3, "stopped"},           // Idle
        {4, "running"},           // Remote control active
        {5, "running"},           // Cleaning
        {6, "seeking_charger"},   // Returning home
        {7, "running"},           // Manual mode
        {8, "charging"},          // Charging (docked when the battery is full)
        {9, "error"},             // Charging problem
        {10, "paused"},           // Paused
        {11, "running"},          // Spot cleaning
        {12, "error"},            // Error
        {13, "stopped"},          // Shutting down
        {14, "docked"},           // Updating (firmware, on the dock)
        {15, "seeking_charger"},  // Docking
        {16, "running"},          // Going to target
        {17, "running"},          // Zoned cleaning
        {18, "running"},          // Segment cleaning
        {22, "docked"},           // Emptying the bin (auto-empty dock)
        {100, "docked"},          // Charging complete (full)
    };
    return table;
}

// Roborock error code -> Matter RVC error name (python-miio ERROR_CODES texts in the comments).
const std::map<int, std::string>& error_table() {
    static const std::map<int, std::string> table = {
        {0, "none"},                            // No error
        {1, "navigation_sensor_obscured"},      // Laser distance sensor error
        {2, "stuck"},                           // Collision sensor error
        {3, "stuck"},                           // Wheels on top of void, move robot (wheels suspended)
        {4, "navigation_sensor_obscured"},      // Clean hovering sensors, move robot (cliff sensor)
        {5, "brush_jammed"},                    // Clean main brush
        {6, "brush_jammed"},                    // Clean side brush
        {7, "wheels_jammed"},                   // Main wheel stuck?
        {8, "stuck"},                           // Device stuck, clean area
        {9, "dust_bin_missing"},                // Dust collector missing
        {10, "dust_bin_full"},                  // Clean filter (blocked filter: empty the bin, clean the filter)
        {11, "stuck"},                          // Stuck in magnetic field
        {12, "low_battery"},                    // Low battery
        {13, "failed_to_find_charging_dock"},   // Charging fault
        {14, "unable_to_start_or_resume"},      // Battery fault
        {15, "navigation_sensor_obscured"},     // Wall sensors dirty, wipe them
        {16, "stuck"},                          // Place me on flat surface
        {17, "brush_jammed"},                   // Side brushes problem, reboot me
        {18, "unable_to_complete_operation"},   // Suction fan problem
        {19, "failed_to_find_charging_dock"},   // Unpowered charging station
        {21, "navigation_sensor_obscured"},     // Laser distance sensor blocked
        {22, "failed_to_find_charging_dock"},   // Clean the dock charging contacts
        {23, "failed_to_find_charging_dock"},   // Docking station not reachable
        {24, "cannot_reach_target_area"},       // No-go zone or invisible wall detected
        {254, "dust_bin_full"},                 // Bin full
        {255, "unable_to_complete_operation"},  // Internal error
    };
    return table;
}

// Hearth fan speed <-> Roborock custom mode (python-miio FanspeedV2: 101 quiet, 102 balanced,
// 103 turbo, 104 max, 105 off/mop; FanspeedV1 used the percentages 38/60/75/100).
const std::map<std::string, int>& fan_table() {
    static const std::map<std::string, int> table = {{"quiet", 101}, {"standard", 102}, {"strong", 103}, {"max", 104}};
    return table;
}

int int_field(const nlohmann::json& s, const char* key) {
    if (!s.contains(key) || !s[key].is_number())
        throw std::invalid_argument(std::string("get_status: no numeric '") + key + "'");
    return static_cast<int>(s[key].get<double>());
}

}  // namespace

std::string operational_state(int state_code, int battery) {
    const auto it = state_table().find(state_code);
    if (it == state_table().end()) return "stopped";
    if (state_code == 8 && battery >= 100) return "docked";
    return it->second;
}

std::string error_name(int error_code) {
    const auto it = error_table().find(error_code);
    return it == error_table().end() ? "unable_to_complete_operation" : it->second;
}

std::optional<int> fan_power(const std::string& fan_speed) {
    const auto it = fan_table().find(fan_speed);
    if (it == fan_table().end()) return std::nullopt;
    return it->second;
}

std::string fan_speed(int power) {
    if (power >= 101 && power <= 105) {
        if (power == 101 || power == 105) return "quiet";
        if (power == 102) return "standard";
        if (power == 103) return "strong";
        return "max";
    }
    if (power <= 38) return "quiet";
    if (power <= 60) return "standard";
    if (power <= 75) return "strong";
    return "max";
}

std::vector<int> parse_segments(const std::string& areas) {
    std::vector<int> out;
    std::stringstream in(areas);
    for (std::string part; std::getline(in, part, ',');) {
        const auto b = part.find_first_not_of(" \t");
        if (b == std::string::npos) continue;
        const auto e = part.find_last_not_of(" \t");
        const std::string t = part.substr(b, e - b + 1);
        std::size_t used = 0;
        int v = 0;
        try {
            v = std::stoi(t, &used);
        } catch (const std::exception&) {
            throw std::invalid_argument("areas: '" + t + "' is not a segment id");
        }
        if (used != t.size() || v < 0 || v > 100000)
            throw std::invalid_argument("areas: '" + t + "' is not a segment id");
        out.push_back(v);
    }
    if (out.empty()) throw std::invalid_argument("areas: no segment ids given");
    return out;
}

nlohmann::json status_to_state(const nlohmann::json& status) {
    const nlohmann::json& s = status.is_array() && !status.empty() ? status[0] : status;
    if (!s.is_object()) throw std::invalid_argument("get_status: result is not an object");
    const int state = int_field(s, "state");
    const int battery = std::clamp(int_field(s, "battery"), 0, 100);
    const int err = s.contains("error_code") && s["error_code"].is_number() ? int_field(s, "error_code") : 0;
    std::string op = operational_state(state, battery);
    if (err != 0 && op != "charging" && op != "docked") op = "error";
    nlohmann::json out = {
        {"operational_state", op}, {"battery", battery}, {"error", error_name(err)}, {"error_code", err}};
    if (s.contains("fan_power") && s["fan_power"].is_number()) out["fan_speed"] = fan_speed(int_field(s, "fan_power"));
    if (s.contains("clean_area") && s["clean_area"].is_number())
        out["clean_area_m2"] = std::round(s["clean_area"].get<double>() / 1e6 * 10.0) / 10.0;  // mm^2 -> m^2
    if (s.contains("clean_time") && s["clean_time"].is_number()) out["clean_time_s"] = int_field(s, "clean_time");
    return out;
}

nlohmann::json consumables_to_state(const nlohmann::json& consumables) {
    const nlohmann::json& c = consumables.is_array() && !consumables.empty() ? consumables[0] : consumables;
    if (!c.is_object()) throw std::invalid_argument("get_consumable: result is not an object");
    struct item {
        const char* field;
        const char* property;
        int life_h;
    };
    static const item k_items[] = {{"main_brush_work_time", "main_brush_left_h", 300},
                                   {"side_brush_work_time", "side_brush_left_h", 200},
                                   {"filter_work_time", "filter_left_h", 150},
                                   {"sensor_dirty_time", "sensor_dirty_left_h", 30}};
    nlohmann::json out = nlohmann::json::object();
    for (const auto& i : k_items) {
        if (c.contains(i.field) && c[i.field].is_number()) {
            out[i.property] = std::max(0, i.life_h - static_cast<int>(c[i.field].get<double>() / 3600.0));
        }
    }
    return out;
}

}  // namespace hearth::miio::roborock
