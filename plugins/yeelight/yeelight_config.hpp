// Role: the yeelight driver's configuration: the typed form of the driver's `config` object and
// its strict parser. Unknown keys and wrong types are refused with std::invalid_argument naming
// the key, so a typo never silently falls back to a default.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace hearth::yeelight {

/// One bulb: becomes one Hearth `light` device.
struct light_config {
    std::string id;              ///< device id, `[a-z0-9_-]{1,64}`, unique within the instance
    std::string name;            ///< human name (defaults to the id)
    std::string host;            ///< bulb address (IP or host name)
    std::uint16_t port = 55443;  ///< bulb control port
};

/// The whole driver instance.
struct yeelight_config {
    std::vector<light_config> lights;                ///< at least one
    std::chrono::milliseconds timeout{3000};         ///< per request and per connect attempt
    std::chrono::milliseconds reconnect{1000};       ///< first reconnect delay (doubles per failure)
    std::chrono::milliseconds max_reconnect{30000};  ///< backoff cap
    int offline_after_failures = 3;                  ///< consecutive failures before reporting offline
    std::string effect = "smooth";                   ///< "smooth" or "sudden"
    int duration_ms = 300;                           ///< transition time of smooth changes
};

/// Parses and validates a config object. Throws std::invalid_argument naming the offending key
/// (e.g. "yeelight config: \"lights[1].port\" must be an integer between 1 and 65535").
yeelight_config parse_config(const nlohmann::json& config);

}  // namespace hearth::yeelight
