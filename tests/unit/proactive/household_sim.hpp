// A simulated household for the routine miner (docs/proactive.md, "Recall and precision"): 100
// devices, N days of activity-log records with planted time routines and sequences, rule-issued
// commands, noise and irregular days, and the score of mined routines against what was planted.
#pragma once

#include "core/device_model.hpp"
#include "proactive/routine_miner.hpp"
#include "store/store_types.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hearth::test {

/// A routine the simulated people keep; `safe` is false for one that must never be suggested.
struct planted_time {
    proactive::action_key action;  ///< as the miner normalises it
    proactive::day_class days = proactive::day_class::every_day;
    int at_s = 0;  ///< local seconds of day
    bool safe = true;
};

struct planted_sequence {
    proactive::trigger_key trigger;
    proactive::action_key action;
};

struct household_sim {
    std::map<std::string, device_descriptor> devices;  ///< 100 devices, valid descriptors
    std::vector<activity_record> records;              ///< oldest first
    time_ms from = 0, to = 0;                          ///< local midnights, `days` apart
    std::vector<planted_time> routines;
    std::vector<planted_sequence> sequences;
    std::vector<std::string> rule_devices;  ///< commanded only by rules: no finding may act on them
};

/// The household over `days` local days from Monday 2026-01-05 (the process's TZ), seeded.
household_sim simulate_household(std::uint64_t seed, int days = 60);

/// The miner's findings on the whole simulation (records fed in order, window from..to).
proactive::mined_routines mine(const household_sim& sim, const proactive::miner_options& options = {});

/// Recall and precision of mined routines against the planted ones, per kind.
struct kind_score {
    int planted = 0;
    int planted_found = 0;  ///< planted routines some finding matches
    int mined = 0;
    int mined_matching = 0;  ///< findings that match a planted routine
    [[nodiscard]] double recall() const { return planted > 0 ? static_cast<double>(planted_found) / planted : 1; }
    [[nodiscard]] double precision() const { return mined > 0 ? static_cast<double>(mined_matching) / mined : 1; }
};
struct household_score {
    kind_score time, sequences;
    [[nodiscard]] kind_score total() const {
        return {time.planted + sequences.planted, time.planted_found + sequences.planted_found,
                time.mined + sequences.mined, time.mined_matching + sequences.mined_matching};
    }
};

/// A time finding matches a planted routine with the same action and days within 20 minutes; a
/// sequence one with the same trigger and action.
household_score score(const household_sim& sim, const proactive::mined_routines& found);

}  // namespace hearth::test
