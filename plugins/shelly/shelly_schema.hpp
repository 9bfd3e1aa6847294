// Role: the JSON Schema of the shelly driver's config (ABI v1.2 config_schema): the host checks a
// config against it before the driver sees it and in hearthd --check-config. Devices are
// configured by host (no mDNS); the password is secret.
#pragma once

namespace hearth::shelly {

inline constexpr const char* k_config_schema = R"({
  "type": "object", "additionalProperties": false, "required": ["devices"],
  "properties": {
    "devices": {"type": "array", "minItems": 1, "maxItems": 200, "items": {
      "type": "object", "additionalProperties": false, "required": ["id", "host"],
      "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9_-]{1,40}$"},
        "name": {"type": "string", "minLength": 1, "maxLength": 128},
        "host": {"type": "string", "pattern": "^[A-Za-z0-9.:_-]{1,253}$"},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "password": {"type": "string", "minLength": 1, "maxLength": 128, "x-secret": true},
        "websocket": {"type": "boolean"}}}},
    "poll_interval_s": {"type": "integer", "minimum": 1, "maximum": 3600},
    "timeout_ms": {"type": "integer", "minimum": 100, "maximum": 30000},
    "offline_after_failures": {"type": "integer", "minimum": 1, "maximum": 100},
    "command_timeout_ms": {"type": "integer", "minimum": 500, "maximum": 120000},
    "websocket_retry_s": {"type": "integer", "minimum": 1, "maximum": 3600}}})";

}  // namespace hearth::shelly
