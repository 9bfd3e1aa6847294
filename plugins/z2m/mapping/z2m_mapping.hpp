// Role: the Zigbee2MQTT mapping (pure, no I/O): one entry of `<base>/bridge/devices` (its
// definition's `exposes`) -> a Hearth device descriptor plus the per-property conversions, the
// state decoder (`<base>/<friendly_name>` payloads -> Hearth state and events) and the command
// encoder (Hearth commands -> `<base>/<friendly_name>/set` payloads). Everything it reads comes
// from MQTT and is untrusted: checked accessors, bounded sizes, refusals as values or
// std::invalid_argument, never an abort. The rules are in docs/drivers/z2m.md.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hearth::z2m {

using json = nlohmann::json;

/// How a Hearth property's value relates to the Zigbee2MQTT one.
enum class conversion {
    plain,        ///< same value (numbers, enums, text)
    binary,       ///< value_on/value_off <-> true/false
    scale,        ///< hearth = z2m * 100 / z2m_max (brightness 0..254 -> 0..100), rounded
    mired,        ///< hearth kelvin = 1e6 / z2m mired, rounded
    value_map,    ///< enum value map (cover state, lock state)
    climate_mode  ///< system_mode -> on + mode (the climate's two key properties)
};

/// One Hearth property backed by one Zigbee2MQTT property.
struct prop_map {
    std::string name;  ///< Hearth property name ([a-z0-9_]{1,64})
    std::string z2m;   ///< Zigbee2MQTT property (state payload key, /set key)
    conversion conv = conversion::plain;
    json spec;  ///< Hearth property spec (type, min, max, step, unit, values, writable)
    bool writable = false;
    json value_on = true;                       ///< binary conversions
    json value_off = false;                     ///< binary conversions
    double z2m_max = 254;                       ///< scale conversion
    std::map<std::string, std::string> values;  ///< value_map / climate_mode: z2m value -> Hearth value
};

/// A named command: fixed writes of Zigbee2MQTT properties (turn_on -> {"state": "ON"}).
struct command_map {
    std::string name;
    json set = json::object();
};

/// A device Hearth can model, with everything the driver needs to talk to it.
struct device_mapping {
    std::string id;             ///< Hearth id, from the IEEE address: "z2m_<16 hex digits>"
    std::string ieee;           ///< as Zigbee2MQTT spells it ("0x00158d...")
    std::string friendly_name;  ///< the topic level on Zigbee2MQTT (may change: renames)
    std::string type;           ///< Hearth device type
    json descriptor;
    std::vector<prop_map> properties;
    std::vector<command_map> commands;
    std::map<std::string, std::string> events;  ///< Z2M `action` value -> Hearth event type
    std::vector<std::string> notes;             ///< features left out, each with the reason
    std::vector<std::string> gettable;          ///< mapped Z2M properties with the `get` access bit (4)

    [[nodiscard]] const prop_map* find_property(const std::string& hearth_name) const;
    [[nodiscard]] const command_map* find_command(const std::string& name) const;
};

/// The result of mapping one bridge/devices entry: a mapping, or the reason there is none.
struct map_result {
    std::optional<device_mapping> mapping;
    std::string skipped;  ///< e.g. "0x… 'Hallway remote': interview not completed"
};

/// Caps on what one entry may carry (beyond them the entry or feature is skipped with a reason).
struct mapping_limits {
    static constexpr std::size_t max_exposes = 256;   ///< top-level exposes of one device
    static constexpr std::size_t max_features = 128;  ///< Hearth properties of one device
    static constexpr std::size_t max_events = 64;
    static constexpr std::size_t max_text = 256;  ///< names, vendor, model (bytes)
};

/// The Hearth id of a device from its IEEE address ("0x00158D0001A2B3C4" -> "z2m_00158d0001a2b3c4");
/// nothing when it is not "0x" + 16 hex digits.
std::optional<std::string> device_id_of(const json& ieee_address);

/// Maps one entry of bridge/devices. Never throws on malformed input: it is skipped with a reason.
map_result map_device(const json& entry);

/// What one `<base>/<friendly_name>` payload says in Hearth terms.
struct decoded_state {
    json state = json::object();       ///< Hearth properties that converted
    std::vector<std::string> events;   ///< Hearth event types (from `action`)
    std::vector<std::string> skipped;  ///< keys of the mapping whose values did not convert, with why
};

/// Decodes a device's state payload (a JSON object; anything else yields nothing).
decoded_state decode_state(const device_mapping& m, const json& payload);

/// The `/set` payload of a Hearth command: `set` with {"property": value} or a named command.
/// `current` is the device's last Hearth state (the climate's mode to resume when turned on).
/// Throws std::invalid_argument naming the problem (unknown/read-only property, unmappable value).
json encode_command(const device_mapping& m, const std::string& command, const json& params,
                    const json& current = json::object());

}  // namespace hearth::z2m
