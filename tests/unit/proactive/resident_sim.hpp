// A resident living alone, simulated for the care monitor's tests: realistic days (jittered wake-up,
// activity bursts and quiet spells, naps, outings, a weekly club, evenings out, night sleep with
// bathroom trips) as activity-log records of motion sensors, the front door and lock, lights and
// appliances, plus what a home does by itself (automations and their echoes, readings).
#pragma once

#include "rules/time_calc.hpp"
#include "store/store_types.hpp"

#include <cstdint>
#include <vector>

namespace hearth::test {

/// One simulated record; `human` marks what the resident caused (planting removes only those),
/// `cause_ts` is when the resident caused it (a motion sensor clears 90 s after the motion).
struct sim_record {
    activity_record record;
    bool human = false;
    time_ms cause_ts = 0;
};

/// Days of life from `first_day` (local dates, the process's TZ), oldest first; deterministic in `seed`.
std::vector<sim_record> simulate_resident(std::uint64_t seed, rules::local_date first_day, int days);

/// The resident stops at `stop` (falls, stays still) until `resume`: every human record caused in
/// [stop, resume) is removed and a hall motion at `resume` added. Automations and readings go on.
void plant_inactivity(std::vector<sim_record>& records, time_ms stop, time_ms resume);

}  // namespace hearth::test
