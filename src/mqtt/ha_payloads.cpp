// Home Assistant default plain-text payloads mapped to device commands (see ha_payloads.hpp).
#include "mqtt/ha_payloads.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <utility>

namespace hearth::mqtt {

std::optional<plain_payload> ha_plain_payload(const device_descriptor& device, std::string_view payload) {
    const auto first = payload.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return std::nullopt;
    const auto last = payload.find_last_not_of(" \t\r\n");
    const std::string_view trimmed = payload.substr(first, last - first + 1);
    if (trimmed.size() > 16) return std::nullopt;
    std::string word;
    for (char c : trimmed) word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;

    // HA's default payload -> Hearth command (HA lock, vacuum, switch/light defaults).
    static const std::array<std::pair<const char*, const char*>, 11> words = {{
        {"lock", "lock"},
        {"unlock", "unlock"},
        {"open", "unlatch"},
        {"start", "start"},
        {"pause", "pause"},
        {"stop", "stop"},
        {"return_to_base", "return_to_dock"},
        {"locate", "locate"},
        {"clean_spot", "clean_spot"},
        {"on", "turn_on"},
        {"off", "turn_off"},
    }};
    if (word == "press") {
        return plain_payload{{},
                             "'PRESS' is Home Assistant's default button payload: send {\"command\": \"<name>\"} "
                             "with the command to run (Hearth's discovery buttons do)"};
    }
    for (const auto& [ha, command] : words) {
        if (word != ha) continue;
        if (device.commands.contains(command)) return plain_payload{nlohmann::json{{"command", command}}.dump(), {}};
        if ((word == "on" || word == "off") && device.properties.contains("on") && device.properties.at("on").writable)
            return plain_payload{nlohmann::json{{"on", word == "on"}}.dump(), {}};
        return plain_payload{{},
                             "'" + std::string(trimmed) + "' is Home Assistant's payload for '" + command +
                                 "', which device '" + device.id + "' does not support"};
    }
    return std::nullopt;
}

}  // namespace hearth::mqtt
