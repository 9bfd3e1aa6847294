// Role: the per-model MIoT mapping (loaded from plugins/miio/miot/models/<model>.json): which
// MIoT property (siid/piid) or action (siid/aiid) backs each Hearth property and command, how
// values convert (value maps such as MIoT mode 0..4 -> cool/heat/dry/fan/auto, and scales),
// which state transitions raise events, and the device descriptor built from all that.
// Pure: no I/O besides load_mapping_file; unit-testable. The file format is in ../README.md.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hearth::miio::miot {

using json = nlohmann::json;

/// One Hearth property backed by one MIoT property.
struct property_map {
    std::string name;  ///< Hearth property name
    int siid = 0;
    int piid = 0;
    json spec;  ///< Hearth property spec for the descriptor (type, min, max, ...)
    bool writable = false;
    std::map<std::string, std::string> value_map;  ///< MIoT value (as JSON text) -> Hearth enum value
    double scale = 1.0;                            ///< hearth = miot * scale + offset
    double offset = 0.0;
    bool scaled = false;  ///< scale/offset given: MIoT side is an integer
};

/// One step of a command: a property write or a MIoT action.
struct step {
    json set;  ///< {"prop": value or "$param"} (object) for a write; null otherwise
    int siid = 0;
    int aiid = 0;             ///< > 0 for an action
    json in = json::array();  ///< action input arguments
};

struct command_map {
    std::string name;
    json params = json::object();  ///< descriptor params spec
    std::vector<step> steps;
};

/// An event raised when `property` changes to `to` (from one of `from`, if given).
struct event_rule {
    std::string event;
    std::string property;
    std::vector<json> from;
    json to;
    std::vector<std::string> include;  ///< properties copied into the event
};

struct model_mapping {
    std::string model;
    std::string type;  ///< Hearth device type (climate, refrigerator, washer, ...)
    std::string name;  ///< default device name
    std::string manufacturer;
    std::vector<property_map> properties;
    std::vector<command_map> commands;
    std::vector<event_rule> events;

    [[nodiscard]] const property_map* find_property(const std::string& name) const;
    [[nodiscard]] const command_map* find_command(const std::string& name) const;
};

/// Parses a mapping document; throws std::invalid_argument naming the problem.
model_mapping parse_mapping(const json& doc);
/// Reads and parses `<dir>/<model>.json`; `model` must match [a-z0-9._-]{1,128}.
model_mapping load_mapping_file(const std::string& dir, const std::string& model);

/// The device descriptor for `id`/`name` from `m`.
json make_descriptor(const model_mapping& m, const std::string& id, const std::string& name);

/// Converts a MIoT value to the Hearth value; nothing if it does not map (e.g. unknown enum).
std::optional<json> from_miot(const property_map& p, const json& miot_value);
/// Converts a Hearth value to the MIoT value; throws std::invalid_argument if it does not map.
json to_miot(const property_map& p, const json& value);

/// Events `m` raises for the transition `before` -> `after` (full merged states).
std::vector<json> events_for(const model_mapping& m, const json& before, const json& after);

}  // namespace hearth::miio::miot
