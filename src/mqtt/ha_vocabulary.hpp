// Home Assistant's vocabulary as Hearth uses it in discovery: human entity names for device-model
// property and command names (no unit suffixes), and the device classes HA accepts per platform
// (an entity with a device class its platform does not know is rejected whole by HA).
// Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>

namespace hearth::mqtt {

/// A human entity name for a property or command name: a known name from a table
/// ("fridge_temp" -> "Fridge temperature", "remaining_s" -> "Remaining time"), otherwise the
/// words of the name with a trailing unit token dropped ("boost_kw" -> "Boost").
std::string human_name(std::string_view name);

/// The HA device class whose (translated) name HA shows when an entity's name is omitted,
/// if `property` is exactly that quantity ("battery", "humidity", "power_w", "energy_kwh").
/// Empty when the property needs a name of its own.
std::string device_class_named_by(std::string_view property);

/// True if `device_class` is valid for HA's MQTT `platform` ("sensor", "binary_sensor",
/// "switch", "button", "number", "event"). Unknown platforms accept no device class.
bool valid_device_class(std::string_view platform, std::string_view device_class);

}  // namespace hearth::mqtt
