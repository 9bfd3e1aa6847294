// Human entity names and HA device-class tables for discovery (see ha_vocabulary.hpp).
#include "mqtt/ha_vocabulary.hpp"

#include <map>
#include <set>

namespace hearth::mqtt {
namespace {

/// Names that are not just the words of the property name.
const std::map<std::string, std::string, std::less<>>& known_names() {
    static const std::map<std::string, std::string, std::less<>> names = {
        {"auto_relock_s", "Auto-relock delay"},
        {"clean_area_m2", "Cleaned area"},
        {"clean_time_s", "Cleaning time"},
        {"color_temp_k", "Color temperature"},
        {"current_temp", "Current temperature"},
        {"door_open", "Door"},
        {"door_state", "Door"},
        {"energy_kwh", "Energy"},
        {"freezer_target", "Freezer target temperature"},
        {"freezer_temp", "Freezer temperature"},
        {"fridge_target", "Fridge target temperature"},
        {"fridge_temp", "Fridge temperature"},
        {"operational_state", "Status"},
        {"power_w", "Power"},
        {"remaining_s", "Remaining time"},
        {"return_to_dock", "Return to dock"},
        {"snapshot", "Take snapshot"},
        {"target_temp", "Target temperature"},
    };
    return names;
}

/// Trailing name tokens that are units, dropped from generated names.
const std::set<std::string, std::less<>>& unit_tokens() {
    static const std::set<std::string, std::less<>> tokens = {
        "a",  "c",  "cm", "db",  "f",  "h",   "hz",  "k", "kw", "kwh", "lux", "m",  "m2",
        "m3", "mm", "ms", "min", "pa", "pct", "ppm", "s", "v",  "va",  "w",   "wh",
    };
    return tokens;
}

}  // namespace

std::string human_name(std::string_view name) {
    if (auto it = known_names().find(name); it != known_names().end()) return it->second;
    std::string base(name);
    if (auto cut = base.rfind('_'); cut != std::string::npos && cut > 0 && unit_tokens().contains(base.substr(cut + 1)))
        base.resize(cut);
    std::string out;
    for (char c : base) out += c == '_' ? ' ' : c;
    if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
    return out;
}

std::string device_class_named_by(std::string_view property) {
    static const std::map<std::string, std::string, std::less<>> classes = {
        {"battery", "battery"}, {"energy_kwh", "energy"}, {"humidity", "humidity"}, {"power_w", "power"}};
    auto it = classes.find(property);
    return it == classes.end() ? std::string() : it->second;
}

bool valid_device_class(std::string_view platform, std::string_view device_class) {
    // HA's lists as of 2024.11 (the oldest release Hearth's device-based discovery supports).
    static const std::set<std::string, std::less<>> sensor = {
        "apparent_power",
        "aqi",
        "atmospheric_pressure",
        "battery",
        "blood_glucose_concentration",
        "carbon_dioxide",
        "carbon_monoxide",
        "conductivity",
        "current",
        "data_rate",
        "data_size",
        "date",
        "distance",
        "duration",
        "energy",
        "energy_storage",
        "enum",
        "frequency",
        "gas",
        "humidity",
        "illuminance",
        "irradiance",
        "moisture",
        "monetary",
        "nitrogen_dioxide",
        "nitrogen_monoxide",
        "nitrous_oxide",
        "ozone",
        "ph",
        "pm1",
        "pm10",
        "pm25",
        "power",
        "power_factor",
        "precipitation",
        "precipitation_intensity",
        "pressure",
        "reactive_power",
        "signal_strength",
        "sound_pressure",
        "speed",
        "sulphur_dioxide",
        "temperature",
        "timestamp",
        "volatile_organic_compounds",
        "volatile_organic_compounds_parts",
        "voltage",
        "volume",
        "volume_flow_rate",
        "volume_storage",
        "water",
        "weight",
        "wind_speed",
    };
    static const std::set<std::string, std::less<>> binary_sensor = {
        "battery",
        "battery_charging",
        "carbon_monoxide",
        "cold",
        "connectivity",
        "door",
        "garage_door",
        "gas",
        "heat",
        "light",
        "lock",
        "moisture",
        "motion",
        "moving",
        "occupancy",
        "opening",
        "plug",
        "power",
        "presence",
        "problem",
        "running",
        "safety",
        "smoke",
        "sound",
        "tamper",
        "update",
        "vibration",
        "window",
    };
    static const std::set<std::string, std::less<>> switch_classes = {"outlet", "switch"};
    static const std::set<std::string, std::less<>> button = {"identify", "restart", "update"};
    static const std::set<std::string, std::less<>> event = {"button", "doorbell", "motion"};
    if (platform == "sensor") return sensor.contains(device_class);
    if (platform == "binary_sensor") return binary_sensor.contains(device_class);
    if (platform == "switch") return switch_classes.contains(device_class);
    if (platform == "button") return button.contains(device_class);
    if (platform == "event") return event.contains(device_class);
    if (platform == "number") {
        return device_class != "enum" && device_class != "date" && device_class != "timestamp" &&
               sensor.contains(device_class);
    }
    return false;
}

}  // namespace hearth::mqtt
