// What may never be suggested (suggestions.hpp, unsafe_to_suggest): unlocking, any lock command but
// locking, any camera command but a snapshot, privacy settings, disarming or disabling an alarm.
#include "proactive/suggestions.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace hearth::proactive {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool contains_any(const std::string& text, std::initializer_list<std::string_view> words) {
    return std::any_of(words.begin(), words.end(),
                       [&](std::string_view w) { return text.find(w) != std::string::npos; });
}

/// A property or parameter name that guards the home: an alarm, a siren, security, arming.
bool guards_the_home(const std::string& key) {
    return contains_any(key, {"alarm", "security", "siren", "tamper", "guard", "intrusion"}) || key == "arm" ||
           key == "armed" || key.starts_with("arm_") || key.ends_with("_arm") || key.ends_with("_armed");
}

/// A value that switches a guard off.
bool switches_off(const nlohmann::json& value) {
    if (value.is_boolean()) return !value.get<bool>();
    if (value.is_number()) return value.get<double>() == 0;
    if (value.is_string()) {
        const auto v = lower(value.get<std::string>());
        return v == "off" || v == "disarm" || v == "disarmed" || v == "disabled" || v == "disable" || v == "none";
    }
    return false;
}

}  // namespace

std::optional<std::string> unsafe_to_suggest(const device_descriptor& device, const action_key& action) {
    const auto command = lower(action.command);
    if (contains_any(command, {"unlock", "unlatch", "open_door"})) return "unlocking is never suggested";
    const bool no_params = action.params.is_null() || (action.params.is_object() && action.params.empty());
    if (device.type == device_type::lock && !(command == "lock" && no_params))
        return "a lock's commands and settings are never suggested (only locking it)";
    if (device.type == device_type::camera && command != "snapshot")
        return "a camera's commands and settings (privacy) are never suggested";
    if (contains_any(command, {"disarm", "disable", "privacy", "silence", "mute_alarm"}))
        return "disabling an alarm, security or privacy feature is never suggested";
    if (action.params.is_object()) {
        for (const auto& [name, value] : action.params.items()) {
            const auto key = lower(name);
            if (key.find("privacy") != std::string::npos) return "privacy settings are never suggested";
            if (guards_the_home(key) && switches_off(value))
                return "disabling an alarm or security property is never suggested";
            if (value.is_string() && contains_any(lower(value.get<std::string>()), {"disarm", "unlock"}))
                return "disarming or unlocking is never suggested";
        }
    } else if (!action.params.is_null()) {
        return "parameters that are not an object cannot be suggested";
    }
    return std::nullopt;
}

}  // namespace hearth::proactive
