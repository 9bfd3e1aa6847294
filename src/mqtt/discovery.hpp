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
};

/// The discovery config payload for one device.
nlohmann::json discovery_config(const topic_scheme& topics, const device_descriptor& device,
                                const discovery_options& options);

/// The retained companion topic HA's MQTT vacuum needs ({"state","fan_speed"}), or "" if none.
std::string vacuum_state_topic(const topic_scheme& topics, const device_descriptor& device);

/// The HA vacuum state payload derived from our vacuum state snapshot.
nlohmann::json vacuum_state_payload(const nlohmann::json& state);

}  // namespace hearth::mqtt
