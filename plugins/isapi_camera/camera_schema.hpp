// Role: the JSON Schema of the isapi_camera driver's config (ABI v1.2 config_schema): the host
// checks a config against it before the driver sees it and in hearthd --check-config. The
// password is secret.
#pragma once

namespace hearth::isapi {

inline constexpr const char* k_config_schema = R"({
  "type": "object", "additionalProperties": false, "required": ["host", "username", "password"],
  "properties": {
    "host": {"type": "string", "minLength": 1, "pattern": "^[^ /?#@]+$"},
    "port": {"type": "integer", "minimum": 1, "maximum": 65535},
    "tls": {"type": "boolean"},
    "ca_file": {"type": "string", "minLength": 1},
    "tls_pin_sha256": {"type": "string", "pattern": "^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$"},
    "username": {"type": "string", "minLength": 1, "pattern": "^[^\"\\r\\n]+$"},
    "password": {"type": "string", "x-secret": true},
    "channel": {"type": "integer", "minimum": 1, "maximum": 32},
    "id": {"type": "string", "pattern": "^[a-z0-9_-]{1,64}$"},
    "name": {"type": "string", "minLength": 1},
    "snapshot_max_bytes": {"type": "integer", "minimum": 1024, "maximum": 67108864},
    "snapshot_min_interval_ms": {"type": "integer", "minimum": 0, "maximum": 3600000},
    "timeout_ms": {"type": "integer", "minimum": 100, "maximum": 60000},
    "reconnect_ms": {"type": "integer", "minimum": 10, "maximum": 30000},
    "offline_after_failures": {"type": "integer", "minimum": 1, "maximum": 1000},
    "doorbell_event_types": {"type": "array", "items": {"type": "string", "minLength": 1}},
    "motion_clear_ms": {"type": "integer", "minimum": 100, "maximum": 3600000}}})";

}  // namespace hearth::isapi
