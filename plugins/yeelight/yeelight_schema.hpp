// Role: the JSON Schema of the yeelight driver's config (ABI v1.2 config_schema): the host checks
// a config against it before the driver sees it and in hearthd --check-config.
#pragma once

namespace hearth::yeelight {

inline constexpr const char* k_config_schema = R"({
  "type": "object", "additionalProperties": false, "required": ["lights"],
  "properties": {
    "lights": {"type": "array", "minItems": 1, "items": {
      "type": "object", "additionalProperties": false, "required": ["id", "host"],
      "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9_-]{1,64}$"},
        "name": {"type": "string", "minLength": 1},
        "host": {"type": "string", "minLength": 1, "pattern": "^[^ /?#@]+$"},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535}}}},
    "timeout_ms": {"type": "integer", "minimum": 100, "maximum": 60000},
    "reconnect_ms": {"type": "integer", "minimum": 10, "maximum": 30000},
    "offline_after_failures": {"type": "integer", "minimum": 1, "maximum": 100},
    "effect": {"enum": ["smooth", "sudden"]},
    "duration_ms": {"type": "integer", "minimum": 30, "maximum": 60000}}})";

}  // namespace hearth::yeelight
