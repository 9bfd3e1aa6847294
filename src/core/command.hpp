// Commands from the outside world (MQTT /set, rules, hearthctl) parsed and validated against a
// device's descriptor before any driver sees them. Every refusal carries a precise reason.
#pragma once

#include "core/device_model.hpp"
#include "core/result.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace hearth {

/// A command in the form drivers receive: a declared command, or "set" with properties.
struct device_command {
    std::string name;  ///< command name, or "set"
    nlohmann::json params = nlohmann::json::object();
    std::optional<std::string> transaction;    ///< echoed in the response
    std::optional<std::string> code;           ///< lock PIN: a secret, never logged
    std::optional<std::int64_t> issued_at_ms;  ///< "ts" of the sender, for age limits
    std::optional<std::string> via;            ///< "via": the bridge that relays a person's command ("matter")

    /// {"command": name, "params": params} — what crosses the plugin ABI.
    [[nodiscard]] nlohmann::json to_driver_json() const;
};

/// The bridges that may name themselves in a /set's "via" field: the command is a person's, made
/// through that bridge's ecosystem (Apple Home, Google Home, ...). The audit and activity logs
/// record it as the command's source; the lock rules treat it like any remote command.
inline constexpr std::array<std::string_view, 1> known_command_relays{"matter"};

/// True when `name` is one of `known_command_relays`.
bool is_command_relay(std::string_view name);

/// True when a command with this source kind came from a person (or their app): "mqtt",
/// "hearthctl" or a command relay; false for "rule", "internal" and anything else.
bool is_person_command_source(std::string_view kind);

/// Parses a /set JSON payload: {"<property>": value, ...} or {"command": "...", "params": {...}},
/// each optionally with "transaction", "code", "ts" and "via" (one of `known_command_relays`);
/// then validates it against `d`.
/// The error is why it was refused (one line, outside text echoed only as valid UTF-8).
result<device_command> parse_set_payload(const device_descriptor& d, std::string_view payload);

/// Parses a /set/<property> raw payload (ON/OFF/true/false, a number, text or a JSON value).
result<device_command> parse_set_property(const device_descriptor& d, std::string_view property, std::string_view raw);

/// Validates an already-built command against `d`; returns the reason it is refused, if any.
std::optional<std::string> validate_command(const device_descriptor& d, const device_command& c);

}  // namespace hearth
