// Role: the simulated ESPHome node's entities and their state, without any networking: one entity
// of each kind Hearth maps (switch, light with brightness and colour temperature, sensor,
// binary_sensor, cover with position, climate, lock, button), their ListEntities*/State messages,
// commands applied as a device applies them, and changes made "by the device" from the control
// port. Every entity has a fixed key and object_id.
#pragma once

#include "esphome_messages.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace hearth::esphome::sim {

/// A message ready for a session's encode(): its type and protobuf bytes.
struct out_message {
    std::uint32_t type = 0;
    bytes payload;
};

class node {
public:
    explicit node(std::string name);

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    /// DeviceInfoResponse fields.
    [[nodiscard]] pb::DeviceInfoResponse device_info(bool uses_password) const;
    /// Every ListEntities*Response (not the Done message).
    [[nodiscard]] std::vector<out_message> list_entities() const;
    /// The state messages of every entity with a state.
    [[nodiscard]] std::vector<out_message> all_states() const;
    /// Applies a command message; the state messages that changed (empty for unknown keys,
    /// buttons and unparsable payloads). `error` names what was wrong, for the log.
    std::vector<out_message> apply(const out_message& command, std::string& error);
    /// A change made by the device itself, e.g. {"object_id": "temperature", "value": 23.5},
    /// {"object_id": "motion", "on": true}; the changed state, or an error text.
    std::vector<out_message> set_from_control(const nlohmann::json& change, std::string& error);
    /// The current states as JSON (control port "status").
    [[nodiscard]] nlohmann::json states_json() const;
    [[nodiscard]] int button_presses() const noexcept { return presses_; }

private:
    [[nodiscard]] out_message state_of(std::uint32_t key) const;

    std::string name_;
    bool switch_on_ = false;
    bool light_on_ = false;
    float light_brightness_ = 1.0F;
    float light_mireds_ = 370.0F;
    float temperature_ = 21.5F;
    bool motion_ = false;
    float cover_position_ = 0.0F;
    int cover_operation_ = 0;
    int climate_mode_ = 0;
    float climate_target_ = 21.0F;
    float climate_current_ = 20.0F;
    int lock_state_ = 1;  // locked
    int presses_ = 0;
};

/// The fixed keys of the simulator's entities.
namespace key {
inline constexpr std::uint32_t relay = 0x1001;
inline constexpr std::uint32_t light = 0x1002;
inline constexpr std::uint32_t temperature = 0x1003;
inline constexpr std::uint32_t motion = 0x1004;
inline constexpr std::uint32_t garage = 0x1005;
inline constexpr std::uint32_t thermostat = 0x1006;
inline constexpr std::uint32_t front_door = 0x1007;
inline constexpr std::uint32_t restart = 0x1008;
}  // namespace key

}  // namespace hearth::esphome::sim
