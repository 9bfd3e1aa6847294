// The step-by-step text of `hearthctl trace`: one run trace (the shape in src/rules/trace.hpp:
// run id, start, result, trigger, conditions with their results, actions with theirs) as lines a
// person reads. Pure; text that came from hearthd is sanitized.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace hearth::ctl {

/// Renders one trace; `now` (ms since the epoch) is used for the relative start time.
/// Fields that are missing or of another type are shown as "-" (the trace is outside input).
std::string render_trace(const nlohmann::json& trace, std::int64_t now);

}  // namespace hearth::ctl
