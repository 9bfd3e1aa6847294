// The trace of one automation run, as stored (store::append_trace) and returned by the `trace`
// bridge request. Every run leaves one, including runs whose conditions failed. Shape:
//
//   { "rule": "leave_home", "run": "leave_home-1700000000000-3",
//     "started": 1700000000000, "finished": 1700000005000,
//     "trigger": { "index": 0, "type": "state", "device": "hall_lock", "property": "lock_state",
//                  "from": "unlocked", "to": "locked" },          // or {"type": "manual"}, ...
//     "conditions": [ { "index": 0, "type": "state", "device": "...", "property": "...",
//                       "value": true, "result": true },
//                     { "index": 1, "type": "or", "result": false, "conditions": [ ... ] } ],
//     "actions": [ { "index": 0, "type": "command", "device": "hall_lock", "command": "lock",
//                    "ts": ..., "result": "ok" },
//                  { "index": 1, "type": "scene", "scene": "all_off", "result": "error",
//                    "error": "living_light: device is offline" },
//                  { "index": 2, "type": "wait", "result": "timeout" },
//                  { "index": 3, "type": "run_when_cheapest", "device": "washer", "command": "start",
//                    "deadline": ..., "duration_min": 120, "start": ..., "currency": "CNY",
//                    "cost_per_kw": 0.62, "start_now_cost_per_kw": 1.78, "saving_per_kw": 1.16,
//                    "note": "...",                        // only when it started at once: why
//                    "sent": ..., "result": "ok" } ],
//     "result": "ok" | "condition_failed" | "failed" | "timeout" | "cancelled",
//     "error": "..." }                                            // when result is failed/cancelled
//
// "resumed": true appears on a run that was restored from the store after a restart.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace hearth::rules::trace {

/// The skeleton of a run's trace (conditions and actions filled in as the run goes).
inline nlohmann::json begin(const std::string& rule, const std::string& run, std::int64_t started,
                            nlohmann::json trigger) {
    return {{"rule", rule},
            {"run", run},
            {"started", started},
            {"trigger", std::move(trigger)},
            {"conditions", nlohmann::json::array()},
            {"actions", nlohmann::json::array()}};
}

/// One action entry; `result` is filled in when the action completes.
inline nlohmann::json action_entry(std::size_t index, std::string_view type, std::int64_t ts) {
    return {{"index", index}, {"type", type}, {"ts", ts}};
}

/// Closes a trace with its result (and error text, when there is one).
inline void finish(nlohmann::json& t, std::int64_t finished, std::string_view result, const std::string& error = {}) {
    t["finished"] = finished;
    t["result"] = result;
    if (!error.empty()) t["error"] = error;
}

}  // namespace hearth::rules::trace
