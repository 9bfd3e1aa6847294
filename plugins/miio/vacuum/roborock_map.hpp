// Role: pure translation between Roborock's miIO vacuum vocabulary (state codes, error codes,
// fan power, the get_status object) and Hearth's vacuum device model (Matter RVC names).
// The tables follow the public python-miio (miio/integrations/roborock/vacuum) and Roborock
// protocol documentation; see ../README.md for them side by side.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace hearth::miio::roborock {

/// Hearth operational_state of a Roborock state code (unknown codes -> "stopped").
/// `battery` distinguishes charging (< 100) from docked (100) for code 8.
std::string operational_state(int state_code, int battery);
/// Matter RVC error name of a Roborock error code (0 -> "none"; unknown -> "unable_to_complete_operation").
std::string error_name(int error_code);
/// The Roborock fan power (custom mode) for a Hearth fan speed; nothing if unknown.
std::optional<int> fan_power(const std::string& fan_speed);
/// The Hearth fan speed for a Roborock fan power (101..105 modes or legacy percentages).
std::string fan_speed(int fan_power);
/// Parses "16, 17" into segment ids; throws std::invalid_argument on a bad list.
std::vector<int> parse_segments(const std::string& areas);

/// Hearth state properties from one get_status result (the first element if an array):
/// operational_state, battery, fan_speed, clean_area_m2 (mm^2 / 1e6), clean_time_s, error,
/// error_code. Throws std::invalid_argument when required fields are missing.
nlohmann::json status_to_state(const nlohmann::json& status);

/// Hours left per consumable from one get_consumable result (work times in seconds; python-miio
/// lifetimes: main brush 300 h, side brush 200 h, filter 150 h, sensors 30 h), clamped at 0:
/// main_brush_left_h, side_brush_left_h, filter_left_h, sensor_dirty_left_h.
nlohmann::json consumables_to_state(const nlohmann::json& consumables);

}  // namespace hearth::miio::roborock
