// Role: the JSON Schemas of the miIO drivers' configs (ABI v1.2 config_schema): vacuum_miio takes
// the common keys (parse_common_config), miot adds its model mapping. The host checks a config
// against them before the driver sees it and in hearthd --check-config. The token is secret.
#pragma once

namespace hearth::miio {

inline constexpr const char* k_vacuum_config_schema = R"({
  "type": "object", "additionalProperties": false, "required": ["host", "token", "id"],
  "properties": {
    "host": {"type": "string", "minLength": 1},
    "port": {"type": "integer", "minimum": 1, "maximum": 65535},
    "token": {"type": "string", "pattern": "^[0-9a-fA-F]{32}$", "x-secret": true},
    "timeout_ms": {"type": "integer", "minimum": 50, "maximum": 60000},
    "retries": {"type": "integer", "minimum": 0, "maximum": 10},
    "id": {"type": "string", "pattern": "^[a-z0-9_-]{1,64}$"},
    "name": {"type": "string"},
    "poll_interval_ms": {"type": "integer", "minimum": 100, "maximum": 3600000},
    "offline_after_failures": {"type": "integer", "minimum": 1, "maximum": 1000}}})";

inline constexpr const char* k_miot_config_schema = R"({
  "type": "object", "additionalProperties": false, "required": ["host", "token", "id", "model"],
  "properties": {
    "host": {"type": "string", "minLength": 1},
    "port": {"type": "integer", "minimum": 1, "maximum": 65535},
    "token": {"type": "string", "pattern": "^[0-9a-fA-F]{32}$", "x-secret": true},
    "timeout_ms": {"type": "integer", "minimum": 50, "maximum": 60000},
    "retries": {"type": "integer", "minimum": 0, "maximum": 10},
    "id": {"type": "string", "pattern": "^[a-z0-9_-]{1,64}$"},
    "name": {"type": "string"},
    "poll_interval_ms": {"type": "integer", "minimum": 100, "maximum": 3600000},
    "offline_after_failures": {"type": "integer", "minimum": 1, "maximum": 1000},
    "model": {"type": "string", "minLength": 1},
    "mapping_dir": {"type": "string", "minLength": 1}}})";

}  // namespace hearth::miio
