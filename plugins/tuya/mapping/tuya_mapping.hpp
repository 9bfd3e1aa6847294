// Role: the per-category Tuya DPS mapping (loaded from plugins/tuya/models/<category>.json): which
// data point (DP id) backs each Hearth property, how values convert (booleans, enum value maps,
// a scale such as W/10 -> W, or a linear range such as brightness 10..1000 -> 0..100 %), which
// commands write which properties (hidden ones too: a curtain's open/close/stop control DP), and
// the device descriptor built from all that. Pure: no I/O
// besides load_mapping_file; unit-testable. The file format is in ../README.md.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hearth::tuya {

using json = nlohmann::json;

/// One Hearth property backed by one data point.
struct dp_property {
    std::string name;       ///< Hearth property name
    std::string dp;         ///< the DP id written, as text ("1", "20", ...)
    std::string report_dp;  ///< the DP id the device reports the value on (usually `dp`)
    bool hidden = false;    ///< a DP commands write (a curtain's control): not in the descriptor
    json spec;              ///< Hearth property spec for the descriptor (type, min, max, unit, writable)
    bool writable = false;
    std::map<std::string, std::string> value_map;           ///< device value (as JSON text) -> Hearth enum value
    double scale = 1.0;                                     ///< hearth = device * scale (integer DPs)
    std::optional<std::pair<double, double>> device_range;  ///< with hearth_range: linear map
    std::optional<std::pair<double, double>> hearth_range;
};

/// A named command: property writes with fixed values or "$param" references.
struct dp_command {
    std::string name;
    json params = json::object();  ///< descriptor params spec
    json set = json::object();     ///< {"property": value or "$param"}
};

struct category_mapping {
    std::string category;  ///< file name without .json (plug, bulb, contact, ...)
    std::string type;      ///< Hearth device type
    std::string name;      ///< default device name
    std::string manufacturer;
    std::vector<dp_property> properties;
    std::vector<dp_command> commands;

    [[nodiscard]] const dp_property* find_property(const std::string& name) const;
    [[nodiscard]] const dp_command* find_command(const std::string& name) const;
};

/// Parses a mapping document; throws std::invalid_argument naming the problem.
category_mapping parse_mapping(const json& doc);
/// Reads and parses `<dir>/<category>.json`; `category` must match [a-z0-9_-]{1,64}.
category_mapping load_mapping_file(const std::string& dir, const std::string& category);

/// The device descriptor for `id`/`name` from `m`.
json make_descriptor(const category_mapping& m, const std::string& id, const std::string& name);

/// Converts a device DP value to the Hearth value; nothing if it does not map (wrong type, unknown
/// enum value, out of the declared range).
std::optional<json> from_device(const dp_property& p, const json& device_value);
/// Converts a Hearth value to the DP value; throws std::invalid_argument if it does not map.
json to_device(const dp_property& p, const json& value);

/// `state` without the hidden properties: what the driver reports to the core.
json visible_state(const category_mapping& m, const json& state);

/// The Hearth state in a device's "dps" object (unknown DPs and unmappable values are skipped and
/// named in `*skipped` when given).
json state_from_dps(const category_mapping& m, const json& dps, std::vector<std::string>* skipped = nullptr);
/// The "dps" object that writes `values` ({"property": Hearth value}); throws std::invalid_argument
/// for an unknown or read-only property or a value that does not map.
json dps_for(const category_mapping& m, const json& values);

}  // namespace hearth::tuya
