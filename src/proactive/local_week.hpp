// Local calendar positions the routine miner and the care monitor learn on: the hour of the week,
// the local day, the weekday class. Local time is the process's zone (rules/time_calc.hpp), read
// at each call, so DST changes move the hour of the week with the clock on the wall.
#pragma once

#include "store/store_types.hpp"

namespace hearth::proactive {

/// Hours in a week: hour_of_week() is in [0, k_hours_per_week).
inline constexpr int k_hours_per_week = 7 * 24;

/// The local hour of the week of `t`: weekday (0 = Sunday, as tm_wday) * 24 + local hour.
int hour_of_week(time_ms t);

/// A number for the local date of `t` that grows by one per local day (days since 1970-01-01 in
/// the local calendar), so two instants on the same local date give the same number.
int local_day_number(time_ms t);

/// True on a local Saturday or Sunday.
bool is_weekend(time_ms t);

}  // namespace hearth::proactive
