// Role: the JSON Schema of the nuki driver's config (ABI v1.2 config_schema): the host checks a
// config against it before the driver sees it and in hearthd --check-config. The token is secret.
// What it cannot express (callback_host must be an IP literal) parse_config checks.
#pragma once

namespace hearth::nuki {

inline constexpr const char* k_config_schema = R"({
  "type": "object", "additionalProperties": false, "required": ["host", "token"],
  "properties": {
    "host": {"type": "string", "pattern": "^[A-Za-z0-9.:_-]{1,253}$"},
    "port": {"type": "integer", "minimum": 1, "maximum": 65535},
    "token": {"type": "string", "pattern": "^[A-Za-z0-9]{1,64}$", "x-secret": true},
    "hashed_token": {"type": "boolean"},
    "callback_port": {"type": "integer", "minimum": 0, "maximum": 65535},
    "callback_host": {"type": "string", "minLength": 1},
    "poll_interval_ms": {"type": "integer", "minimum": 100, "maximum": 3600000},
    "timeout_ms": {"type": "integer", "minimum": 100, "maximum": 4000},
    "offline_after_failures": {"type": "integer", "minimum": 1, "maximum": 100},
    "command_timeout_ms": {"type": "integer", "minimum": 1000, "maximum": 120000},
    "id_prefix": {"type": "string", "pattern": "^[a-z0-9_-]{0,40}$"}}})";

}  // namespace hearth::nuki
