// Role: the JSON Schema of the demo driver's config (ABI v1.2 config_schema): the host checks a
// config against it before the driver sees it and in hearthd --check-config. maxLength 43: the
// prefix plus the longest fixed id ("living_climate_sensor") fits the 64-character id limit.
#pragma once

namespace hearth::demo {

inline constexpr const char* k_config_schema = R"({
  "type": "object", "additionalProperties": false,
  "properties": {
    "tick_ms": {"type": "integer", "minimum": 10, "maximum": 600000},
    "id_prefix": {"type": "string", "pattern": "^[a-z0-9_-]*$", "maxLength": 43},
    "seed": {"type": "integer"},
    "devices": {"type": "array", "items": {"enum": ["light", "switch", "plug", "climate", "refrigerator", "washer",
                                                   "lock", "camera", "vacuum", "sensor", "binary_sensor", "smoke_detector"]}},
    "jam_lock": {"type": "boolean"}}})";

}  // namespace hearth::demo
