// The device model: typed descriptors of devices (properties, commands, events) and the value
// checks every command and every reported state goes through. See docs/device-model.md.
#pragma once

#include "core/enum_text.hpp"
#include "core/json_schema.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

enum class value_type { boolean, integer, number, string, enumeration };

/// The shape of one property or command parameter.
struct value_spec {
    value_type type = value_type::string;
    std::string unit;
    std::optional<double> min;
    std::optional<double> max;
    std::optional<double> step;
    std::vector<std::string> values;  ///< allowed values of an enum
    bool writable = false;            ///< properties: may be set via /set
    bool required = false;            ///< command params: must be present
};

struct command_spec {
    std::map<std::string, value_spec> params;
};

/// The device types of the model (docs/device-model.md); spelled as in a descriptor's "type".
enum class device_type {
    light,
    switch_,
    plug,
    climate,
    refrigerator,
    washer,
    lock,
    camera,
    vacuum,
    sensor,
    binary_sensor,
    cover,
    button,
    fan
};

inline constexpr enum_names<device_type, 14> device_type_names{{{device_type::light, "light"},
                                                                {device_type::switch_, "switch"},
                                                                {device_type::plug, "plug"},
                                                                {device_type::climate, "climate"},
                                                                {device_type::refrigerator, "refrigerator"},
                                                                {device_type::washer, "washer"},
                                                                {device_type::lock, "lock"},
                                                                {device_type::camera, "camera"},
                                                                {device_type::vacuum, "vacuum"},
                                                                {device_type::sensor, "sensor"},
                                                                {device_type::binary_sensor, "binary_sensor"},
                                                                {device_type::cover, "cover"},
                                                                {device_type::button, "button"},
                                                                {device_type::fan, "fan"}}};

/// The descriptor spelling of `t` ("switch" for device_type::switch_).
inline std::string_view to_string(device_type t) { return name_of(device_type_names, t); }

/// Checked parse of the descriptor spelling ("unknown device type '...' (expected one of ...)").
inline result<device_type> parse_device_type(std::string_view text) {
    return parse_name(device_type_names, text, "device type");
}

/// A validated device descriptor. `raw` is the descriptor JSON as published on bridge/devices.
struct device_descriptor {
    std::string id;
    std::string name;
    device_type type = device_type::sensor;  ///< raw["type"] is its spelling
    std::string driver;                      ///< the driver instance that registered it (set by the core)
    std::map<std::string, value_spec> properties;
    std::map<std::string, command_spec> commands;
    std::set<std::string> events;
    nlohmann::json raw;
};

/// The device types of the model, with the properties each must declare. A `button` declares
/// none (it is stateless) but must declare at least one event type instead.
const std::map<std::string, std::vector<std::string>>& device_types();

/// Caps on one descriptor (a driver is untrusted: its registrations are held in memory, published
/// and stored). Documented in docs/device-model.md.
struct descriptor_limits {
    static constexpr std::size_t max_properties = 128;
    static constexpr std::size_t max_commands = 64;
    static constexpr std::size_t max_events = 64;
    static constexpr std::size_t max_text = 256;  ///< name, manufacturer, model, ... (bytes)
};

/// True for ids usable as topic levels: [a-z0-9_-]{1,64}.
bool is_valid_id(std::string_view id);

/// True for ids the topic contract uses for itself (`bridge`): refused for devices.
bool is_reserved_id(std::string_view id);

/// Parses and validates a descriptor (pure; any thread). Errors: every problem, each with a
/// pointer into the descriptor and a reason (`file` empty).
checked<device_descriptor> parse_descriptor(const nlohmann::json& descriptor);

/// Checks `value` against `spec`. Returns the reason it is not acceptable, or nothing.
/// `enforce_step` applies the step grid (commands); reported state is not held to it.
std::optional<std::string> check_value(const value_spec& spec, const nlohmann::json& value, bool enforce_step);

/// The JSON name of a value_type ("bool", "int", "number", "string", "enum").
std::string_view value_type_name(value_type t);

}  // namespace hearth
