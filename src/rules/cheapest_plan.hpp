// The plan of a run_when_cheapest action (docs/scenes.md): when to send its command, and the trace
// fields that explain the choice. The deadline is the next occurrence of the action's local time
// after `now`; the start is cheapest_start() over [now, deadline - duration] under the tariffs.
// When no tariff is configured, or the run does not fit before that deadline, the command is sent
// at once and the trace says why. Pure: no clock, no I/O (the local time zone is the process's).
#pragma once

#include "core/tariff.hpp"
#include "rules/rule_model.hpp"

#include <nlohmann/json.hpp>

namespace hearth::rules {

struct cheapest_plan {
    time_ms start = 0;      ///< when to send the command; `now` means at once
    nlohmann::json report;  ///< deadline, start, costs per kW and saving, or "note" saying why at once
};

/// Plans `act` (a run_when_cheapest action) at `now` under `tariffs`. Never fails: every outcome
/// is a start no earlier than `now` and a report for the trace.
cheapest_plan plan_cheapest_start(const energy_config& tariffs, const action& act, time_ms now);

}  // namespace hearth::rules
