// A driver plugin's own config schema (ABI v1.2 `config_schema`): validating a driver's `config`
// object against it, and hiding the values the schema marks secret ("x-secret": true).
#pragma once

#include "core/located_error.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace hearth {

/// Validates `config` against the plugin's schema text. Each problem is located at
/// `pointer_prefix` + its pointer into the config (e.g. "/drivers/3/config" + "/tokn") in `file`.
/// An empty schema accepts everything; a schema that is not JSON is one problem ("the plugin's
/// config schema is not valid JSON: ..."). Values of secret properties are never quoted.
/// Pure; any thread.
located_errors check_driver_config(std::string_view schema_text, const nlohmann::json& config,
                                   const std::string& file = {}, const std::string& pointer_prefix = {});

/// `config` with the value of every property the schema marks "x-secret": true (or writeOnly)
/// replaced by "***", at any depth the schema describes. Pure; any thread.
nlohmann::json redact_config(std::string_view schema_text, const nlohmann::json& config);

}  // namespace hearth
