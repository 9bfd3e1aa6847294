// Home Assistant MQTT discovery, device-based (`<prefix>/device/<id>/config`), generated from a
// device descriptor: one component per property, command and event, with a type-specific primary
// entity (light, switch, climate, lock, camera, vacuum). Pure: descriptor in, JSON out.
// Deviations from HA's "JSON schema" light and vacuum state are explained in docs/mqtt-api.md.
#pragma once

#include "core/device_model.hpp"
#include "mqtt/topics.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace hearth::mqtt {

struct discovery_options {
    std::string origin_version;  ///< hearthd version for the "o" block
    bool lock_code_required = false;
    /// Devices with `energy_kwh` or `power_w` get today's and this month's energy sensors on
    /// `<base>/<id>/energy` (docs/energy.md, "Home Assistant sensors") ...
    bool energy_sensors = false;
    /// ... and, when a currency is configured, the matching cost sensors in it.
    std::string currency;
};

/// The discovery config payload for one device.
nlohmann::json discovery_config(const topic_scheme& topics, const device_descriptor& device,
                                const discovery_options& options);

/// True when `device` reports energy_kwh or power_w: it gets energy sensors (and `/energy` states).
bool has_energy_data(const device_descriptor& device);

/// The retained companion topic HA's MQTT vacuum needs ({"state","fan_speed"}), or "" if none.
std::string vacuum_state_topic(const topic_scheme& topics, const device_descriptor& device);

/// The HA vacuum state payload derived from our vacuum state snapshot.
nlohmann::json vacuum_state_payload(const nlohmann::json& state);

}  // namespace hearth::mqtt
