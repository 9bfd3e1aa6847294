// The main config's `suggestions` and `care` sections (docs/proactive.md): how the routine miner
// runs and how the care monitor alerts. Parsed after the JSON Schema passed, so only checks the
// schema cannot express are made here (times of day, a quiet period that is empty).
#pragma once

#include "core/located_error.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hearth {

/// `suggestions`: the routine miner (docs/proactive.md, "Routine mining").
struct suggestions_config {
    bool enabled = true;
    int days = 60;          ///< the activity it learns from
    int mine_at_s = 12600;  ///< local time of the daily run (03:30)
};

/// `care`: the inactivity alert (docs/proactive.md, "Care alert").
struct care_config {
    bool enabled = false;
    std::vector<std::string> devices;                ///< empty = every device whose activity counts
    int min_gap_min = 180;                           ///< never alert before this much inactivity
    std::optional<std::pair<int, int>> quiet_hours;  ///< local [from_s, to_s), may wrap midnight
    int learn_days = 28;
    std::string scene;  ///< a scene activated with each alert ("" = none)
};

/// Parses "HH:MM" (00:00..23:59) into seconds after midnight; nullopt otherwise.
std::optional<int> parse_time_of_day(const std::string& text);

/// Reads a schema-checked `suggestions` section; problems are appended to `errors`.
suggestions_config parse_suggestions_config(const nlohmann::json& section, const std::string& file,
                                            located_errors& errors);

/// Reads a schema-checked `care` section; problems are appended to `errors`.
care_config parse_care_config(const nlohmann::json& section, const std::string& file, located_errors& errors);

}  // namespace hearth
