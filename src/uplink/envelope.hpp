// The up side of the community wire contract (docs/community.md, "Wire contract"): which device
// events are alarms, the priority of each up kind, the secret filter every payload passes and the
// envelope {"v":1,"id","site","home","kind","priority","ts","data"} that goes on
// community/<site>/<home>/up/<kind>. Pure: no I/O, no clock.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hearth::uplink {

/// Who the hub is on the community broker, and the database's boot id.
struct envelope_origin {
    std::string site;
    std::string home;
    std::string boot;  ///< 64-bit hex, kept in the store (store::outbox_boot_id)
};

/// The up kinds of the contract: alarm, care_alert, lock_event, health, energy_daily, response.
bool is_up_kind(std::string_view kind);

/// The priority of an up kind, as the store numbers it (store_types.hpp outbox_priority):
/// alarm, care_alert, lock_event -> 2 (alarm); energy_daily, response -> 1 (normal); health -> 0.
int priority_of(std::string_view kind);

/// The contract's spelling of a store priority: "alarm" | "normal" | "low".
std::string_view priority_name(int priority);

/// True for a device event type that goes up as an alarm: lock_alarm, temperature_alarm,
/// door_left_open, smoke_alarm, leak_alarm, water_leak, tamper_alarm, co_alarm, gas_alarm,
/// intrusion, panic, and every type ending in "_alarm".
bool is_alarm_event_type(std::string_view event_type);

/// True for an object key that may hold a secret or an image and never leaves the home: code,
/// pin, password, token, secret, key (also as a word of a snake_case key, e.g. pin_hash,
/// api_key, access_token), image, snapshot, jpeg (case-insensitive).
bool is_secret_key(std::string_view key);

/// `value` with every object member whose key is_secret_key() removed, at any depth.
nlohmann::json without_secrets(const nlohmann::json& value);

/// "<home>:<boot>:<seq>": unique per message and stable across re-sends.
std::string message_id(const envelope_origin& origin, std::int64_t seq);

/// The envelope of one up message, as compact JSON text; `data` passes without_secrets().
std::string make_envelope(const envelope_origin& origin, std::int64_t seq, std::string_view kind, std::int64_t ts,
                          const nlohmann::json& data);

/// The `data` of an alarm: {"device", "event_type", "event" (the event without ts), "device_name"}.
nlohmann::json alarm_data(const std::string& device_id, const std::string& device_name, const nlohmann::json& event);

/// The `data` of a lock_event from a lock_operation event: {"device", "action", "result",
/// "source"}; nullopt for any other event.
std::optional<nlohmann::json> lock_event_data(const std::string& device_id, const nlohmann::json& event);

}  // namespace hearth::uplink
