// Home Assistant's default plain-text command payloads on `<base>/<id>/set`: a user who points
// an HA MQTT lock, vacuum, switch or button at that topic without Hearth's discovery templates
// sends "LOCK", "pause", "ON" or "PRESS" instead of JSON. These are translated to the device's
// command (or refused with an error that says what to send). Pure functions, no I/O.
#pragma once

#include "core/device_model.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace hearth::mqtt {

/// What a plain-text payload means for a device.
struct plain_payload {
    std::string json_payload;  ///< the equivalent `/set` JSON payload, when understood
    std::string error;         ///< otherwise why not (HA's word, but no such command here)
};

/// Maps one of HA's default payloads (LOCK/UNLOCK/OPEN; start/pause/stop/return_to_base/locate/
/// clean_spot; ON/OFF; PRESS; case-insensitive, surrounding blanks ignored) to a `/set` payload.
/// Returns nothing when `payload` is not one of these words (it is then handled as JSON).
std::optional<plain_payload> ha_plain_payload(const device_descriptor& device, std::string_view payload);

}  // namespace hearth::mqtt
