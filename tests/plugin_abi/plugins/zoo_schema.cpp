// A healthy switch that declares a config schema (ABI v1.2): `host` required, `token` secret,
// nothing else allowed. Proves that the host checks the config before create and that
// hearthd --check-config names bad keys.
#include "zoo_cpp_switch.hpp"

class schema_switch final : public zoo::cpp_switch {
public:
    static constexpr const char* config_schema = R"({
      "type": "object", "additionalProperties": false, "required": ["host"],
      "properties": {"host": {"type": "string", "minLength": 1},
                     "token": {"type": "string", "x-secret": true},
                     "poll_interval_s": {"type": "integer", "minimum": 1}}})";
    using cpp_switch::cpp_switch;
};

HEARTH_DRIVER(schema_switch, "zoo_schema", "1.0.0", "Bad-plugin zoo: a driver with a config schema")
