// Role: the Nuki Bridge HTTP API data model and its mapping onto Hearth's device model, and the
// driver's settings. Pure functions only (no I/O, no host): parsing of /list, /lockState and
// callback bodies, numeric lock/door states -> lock_state/door_state, battery, descriptors and
// lock action codes. The mapping table is documented in plugins/nuki/README.md.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hearth::nuki {

using json = nlohmann::json;

/// The driver's settings. The host has checked the config against nuki_schema.hpp; `token` is a
/// secret: never log it, never put it in a message.
struct nuki_config {
    std::string host;                         ///< bridge IP or host name
    int port = 8080;                          ///< bridge HTTP API port
    std::string token;                        ///< API token (secret)
    bool hashed_token = false;                ///< send ts/rnr/hash instead of token=
    int callback_port = 0;                    ///< 0 = no callback server, polling only
    std::string callback_host = "127.0.0.1";  ///< address the bridge calls back (and we bind)
    int poll_interval_ms = 0;                 ///< /list poll period (30000 with callbacks, else 5000)
    int timeout_ms = 3000;                    ///< per HTTP request budget
    int offline_after_failures = 3;           ///< consecutive failed requests before offline
    int command_timeout_ms = 20000;           ///< a lock command fails with timeout after this
    std::string id_prefix = "nuki_";          ///< device id = id_prefix + nukiId

    /// "host:port" for messages (never contains the token).
    [[nodiscard]] std::string endpoint() const { return host + ":" + std::to_string(port); }
};

/// Reads a config the schema accepted, with the defaults, and checks what the schema cannot:
/// callback_host must be an IP literal (std::invalid_argument naming the key, never the token).
nuki_config parse_config(const json& config);

/// Nuki device types (the bridge's `deviceType`).
enum class device_type : int { smartlock = 0, opener = 2, smartdoor = 3, smartlock3 = 4 };

/// Numeric lock states of the API that the driver treats specially.
inline constexpr int k_state_locked = 1;
inline constexpr int k_state_undefined = 255;

/// One lock state as the bridge reports it (lastKnownState, /lockState or a callback).
struct lock_snapshot {
    int state = k_state_undefined;      ///< numeric `state`
    std::optional<int> door_sensor;     ///< `doorsensorState`, if the lock reports one
    bool battery_critical = false;      ///< `batteryCritical`
    std::optional<int> battery_charge;  ///< `batteryChargeState` 0..100, newer firmware only
};

/// A paired device from /list.
struct paired_device {
    std::uint64_t nuki_id = 0;
    int device_type = 0;
    std::string name;
    std::string firmware;
    lock_snapshot last_known;
};

/// True for device types the driver exposes as a `lock` (smart locks; not the Opener).
bool is_lock_type(int device_type);

/// Parses a state object (lastKnownState, /lockState body or callback body). Missing or mistyped
/// fields keep their defaults; a missing `state` means undefined (255).
lock_snapshot parse_snapshot(const json& body);

/// Parses a /list body. Throws std::runtime_error if it is not an array; skips entries without
/// a numeric nukiId.
std::vector<paired_device> parse_list(const json& body);

/// A callback POST body: which device, and its new state. nullopt if it names no nukiId.
struct callback_update {
    std::uint64_t nuki_id = 0;
    int device_type = 0;
    lock_snapshot state;
};
std::optional<callback_update> parse_callback(const json& body);

/// Numeric lock state -> Hearth lock_state (locked/unlocked/locking/unlocking/unlatched/jammed/
/// unknown). Unlatching (7) maps to "unlocking", lock 'n' go (6) to "unlocked".
std::string map_lock_state(int state);

/// Numeric door sensor state -> door_state ("open", "closed", "unknown"); nullopt when the
/// sensor is deactivated (1) or absent.
std::optional<std::string> map_door_state(std::optional<int> door_sensor);

/// Battery percentage: batteryChargeState when present, else 20 if critical, else 100.
int battery_percent(const lock_snapshot& s);

/// The full Hearth state of a lock; door_state only when `with_door`.
json state_json(const lock_snapshot& s, bool with_door);

/// True when a lock reports a door sensor worth exposing (present and not deactivated).
bool has_door_sensor(const lock_snapshot& s);

/// The Hearth device id of a Nuki device.
std::string device_id(const std::string& prefix, std::uint64_t nuki_id);

/// The Hearth descriptor of a paired smart lock (kit::lock).
json make_descriptor(const paired_device& d, const std::string& id, bool with_door);

/// Command name -> Nuki lock action (1 unlock, 2 lock, 3 unlatch); 0 for anything else.
int action_code(const std::string& command);

/// The lock_state a command settles on ("locked", "unlocked", "unlatched"); "" if unknown.
std::string target_state(const std::string& command);

/// `body[key]` if `body` is an object holding a boolean there, else `fallback` (a bridge that
/// answers with the wrong type must not throw out of a poll and stop it).
bool bool_field(const json& body, const char* key, bool fallback);

/// `body[key]` if `body` is an object holding a string there, else "".
std::string string_field(const json& body, const char* key);

}  // namespace hearth::nuki
