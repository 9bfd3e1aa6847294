// Calendar arithmetic for time-based triggers and conditions: local time of day, weekdays, the next
// occurrence of "07:30 on weekdays", and sunrise/sunset from latitude/longitude.
//
// Time zone: the local time zone of the process (TZ / /etc/localtime via localtime_r and mktime),
// read when the computation runs, so a host whose zone changes picks it up at the next occurrence.
// Across a DST change a time that does not exist (02:30 when clocks spring forward) fires at the
// normalised time (03:30); a time that occurs twice fires once.
//
// Sunrise/sunset use the "sunrise equation" (NOAA-style low-precision solar position: mean anomaly,
// equation of centre, ecliptic longitude, solar transit, hour angle for a -0.833° altitude that
// accounts for refraction and the solar disc). Accuracy is about a minute at mid latitudes; days
// without a sunrise or sunset (polar day/night) simply have no event.
#pragma once

#include "rules/rule_model.hpp"

#include <optional>

namespace hearth::rules {

/// A local calendar date.
struct local_date {
    int year = 1970;
    int month = 1;  ///< 1..12
    int day = 1;    ///< 1..31
    friend bool operator==(const local_date&, const local_date&) = default;
};

/// The local date containing `t`.
local_date local_date_of(time_ms t);

/// `d` moved by `days` (may be negative).
local_date add_days(local_date d, int days);

/// The instant of `seconds` after local midnight of `d` (DST gaps are normalised by mktime).
time_ms local_time_on(local_date d, int seconds);

/// Local weekday of `t` (0 = Sunday, as tm_wday).
int local_weekday(time_ms t);

/// Seconds after local midnight of `t`.
int local_seconds_of_day(time_ms t);

/// The first instant strictly after `after` that is `at_s` local time on a day in `days`.
std::optional<time_ms> next_time_of_day(time_ms after, int at_s, weekday_mask days);

/// Sunrise and sunset of a local date (absent on days of polar day or night).
struct sun_times {
    std::optional<time_ms> sunrise;
    std::optional<time_ms> sunset;
};

/// Sunrise/sunset on local date `d` at `latitude` (north +) and `longitude` (east +), degrees.
sun_times sun_on(local_date d, double latitude, double longitude);

/// The first sunrise (or sunset) + `offset` strictly after `after` on a day in `days`, searching a
/// year ahead at most.
std::optional<time_ms> next_sun_event(time_ms after, bool sunrise, time_ms offset, weekday_mask days, double latitude,
                                      double longitude);

}  // namespace hearth::rules
