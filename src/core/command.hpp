// Commands from the outside world (MQTT /set, rules, hearthctl) parsed and validated against a
// device's descriptor before any driver sees them. Every refusal carries a precise reason.
#pragma once

#include "core/device_model.hpp"
#include "core/result.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
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

    /// {"command": name, "params": params} — what crosses the plugin ABI.
    [[nodiscard]] nlohmann::json to_driver_json() const;
};

/// Parses a /set JSON payload: {"<property>": value, ...} or {"command": "...", "params": {...}},
/// each optionally with "transaction", "code" and "ts"; then validates it against `d`.
/// The error is why it was refused (one line, outside text echoed only as valid UTF-8).
result<device_command> parse_set_payload(const device_descriptor& d, std::string_view payload);

/// Parses a /set/<property> raw payload (ON/OFF/true/false, a number, text or a JSON value).
result<device_command> parse_set_property(const device_descriptor& d, std::string_view property, std::string_view raw);

/// Validates an already-built command against `d`; returns the reason it is refused, if any.
std::optional<std::string> validate_command(const device_descriptor& d, const device_command& c);

}  // namespace hearth
