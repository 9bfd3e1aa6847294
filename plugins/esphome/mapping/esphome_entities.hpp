// Role: ESPHome entities as Hearth devices, pure (no I/O): a ListEntities*Response becomes an
// `entity` (switch, light, sensor, binary_sensor, cover, climate, lock, button; other kinds are
// skipped), each entity one Hearth device whose id is derived from the instance id and the
// entity's object_id (never its display name), its descriptor built with kit's typed builders,
// its *StateResponse turned into a state object, and a Hearth command turned into the
// *CommandRequest plus the state that confirms it. All device bytes are parsed with checks;
// values are clamped into the descriptor's ranges.
#pragma once

#include "esphome_frame.hpp"

#include <hearth/driver.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hearth::esphome {

enum class entity_kind { switch_, light, sensor, binary_sensor, cover, climate, lock, button };

[[nodiscard]] std::string_view kind_name(entity_kind k);

struct entity {
    entity_kind kind = entity_kind::switch_;
    std::uint32_t key = 0;
    std::string object_id;
    std::string name;
    std::string device_class;
    std::string unit;                ///< sensor
    int decimals = -1;               ///< sensor accuracy_decimals (-1: unknown)
    bool dimmable = false;           ///< light
    bool color_temp = false;         ///< light
    int min_kelvin = 0;              ///< light
    int max_kelvin = 0;              ///< light
    bool supports_position = false;  ///< cover
    std::vector<std::string> modes;  ///< climate, Hearth names, without "off"
    bool has_off = false;            ///< climate
    double min_temp = 7;
    double max_temp = 35;
    double temp_step = 0.5;
    bool current_temp = false;   ///< climate
    bool supports_open = false;  ///< lock
    std::string device_id;       ///< assigned by assign_device_id()
};

/// The entity of a ListEntities*Response; nothing for other message types, kinds Hearth does
/// not map, unparsable payloads or a zero key. `skipped` says why, when it is worth a log line.
[[nodiscard]] std::optional<entity> entity_from_list(std::uint32_t type, std::span<const std::uint8_t> payload,
                                                     std::string& skipped);

/// `<instance>_<object_id>` in the device model's id alphabet (lower case, others as '_', at
/// most 64 characters); `<instance>_<kind>_<object_id>` when taken (object ids are unique per
/// kind only), `<instance>_<key as 8 hex digits>` without an object id. Records it in `used`.
void assign_device_id(entity& e, const std::string& instance, std::set<std::string>& used);

/// The Hearth descriptor (kit builders), with the node's manufacturer/model/version.
[[nodiscard]] json descriptor_of(const entity& e, const std::string& node_label, const std::string& manufacturer,
                                 const std::string& model, const std::string& sw_version);

/// The key of a *StateResponse (nothing for other types or unparsable payloads).
[[nodiscard]] std::optional<std::uint32_t> state_key(std::uint32_t type, std::span<const std::uint8_t> payload);
/// The state object of `e` from its *StateResponse; nothing when the message does not fit the
/// entity or says "missing state".
[[nodiscard]] std::optional<json> state_of(const entity& e, std::uint32_t type, std::span<const std::uint8_t> payload);

/// One command to send and the state that confirms it (empty object: nothing to wait for).
struct encoded_command {
    std::uint32_t type = 0;
    bytes payload;
    json expect = json::object();
};

/// The command request for a Hearth command on `e` (`name` "set" with property writes in
/// `params`). `last` is the entity's last reported state (toggle, climate "on"). Throws
/// hearth::command_error (unsupported/invalid) for what the entity cannot do.
[[nodiscard]] encoded_command command_for(const entity& e, const std::string& name, const json& params,
                                          const json& last);

}  // namespace hearth::esphome
