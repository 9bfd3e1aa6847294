// Role: helpers that build device descriptor JSON in exactly the shape the core validates
// (see docs/device-model.md and the README), plus small numeric helpers.
#pragma once

#include <hearth/driver.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::demo {

/// Firmware version every demo device reports.
inline constexpr std::string_view k_sw_version = "1.0.0";

/// A read-only bool property.
json bool_prop();
/// A read-only int property in [min, max] with an optional unit.
json int_prop(std::int64_t min, std::int64_t max, std::string_view unit = {});
/// A read-only number property in [min, max]; `step` 0 means no step.
json number_prop(double min, double max, std::string_view unit = {}, double step = 0);
/// A read-only free-text property.
json string_prop();
/// A read-only enum property with the given values (non-empty).
json enum_prop(const std::vector<std::string>& values);
/// Returns `prop` marked writable.
json writable(json prop);
/// Returns a command parameter marked required.
json required(json param);
/// A command entry `{"params": params}`; `params` must be an object.
json command_spec(json params = json::object());

/// The fixed identity fields of a descriptor.
struct identity {
    std::string id;            ///< full device id (with id_prefix)
    std::string name;          ///< human name
    std::string type;          ///< device model type, e.g. "light"
    std::string model;         ///< model name
    std::string device_class;  ///< optional; omitted when empty
};

/// Assembles a complete descriptor object.
json make_descriptor(const identity& who, json properties, json commands, const std::vector<std::string>& events);

/// Rounds `v` to a multiple of `quantum` (> 0).
double round_to(double v, double quantum);
/// Moves `current` towards `goal` as a first-order system with time constant `tau_s`.
double approach(double current, double goal, double dt_s, double tau_s);

}  // namespace hearth::demo
