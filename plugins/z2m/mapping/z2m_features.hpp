// Role: the building blocks of the Zigbee2MQTT mapping (internal to plugins/z2m/mapping): checked
// readers of one untrusted expose object and the generic feature -> Hearth property rules
// (binary -> bool, numeric -> number, enum -> enum, text -> string; access bits -> writable).
#pragma once

#include "z2m_mapping.hpp"

#include <optional>
#include <string>

namespace hearth::z2m::detail {

/// Zigbee2MQTT access bits.
inline constexpr int access_published = 1;
inline constexpr int access_settable = 2;
inline constexpr int access_gettable = 4;

/// The string at `key` of an object, or nothing (wrong type, missing, longer than max_text).
std::optional<std::string> text_of(const json& obj, const char* key);
/// The number at `key` of an object (finite), or nothing.
std::optional<double> number_of(const json& obj, const char* key);
/// The access bits of a feature (0 when missing or not an integer 0..7).
int access_of(const json& feature);
/// The feature's state/set key: `property`, else `name`; nothing if neither is a usable string.
std::optional<std::string> property_of(const json& feature);
/// True for a Hearth property or event name: [a-z0-9_]{1,64}.
bool valid_name(const std::string& name);
/// `text` lower-cased with every other character than [a-z0-9_] replaced by '_', cut to 64.
std::string sanitized(const std::string& text);

/// The Hearth property of one non-composite feature (binary, numeric, enum, text) under its
/// Zigbee2MQTT property name, or nothing with the reason in `why`.
std::optional<prop_map> generic_property(const json& feature, std::string& why);

}  // namespace hearth::z2m::detail
