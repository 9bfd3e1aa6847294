// Role: JSON parsing for untrusted MQTT payloads in the z2m driver, simulator and fuzz target:
// refuses input nested deeper than a cap before nlohmann parses it, never throws.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

namespace hearth::z2m {

/// True when no array/object in `text` is nested deeper than `max_depth` (strings are skipped).
bool nesting_within(std::string_view text, int max_depth);

/// `text` parsed, or a discarded value (is_discarded()) when it is not JSON or nested deeper
/// than `max_depth`.
nlohmann::json parse_bounded(std::string_view text, int max_depth);

}  // namespace hearth::z2m
