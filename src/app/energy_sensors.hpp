// The values behind the Home Assistant energy and cost sensors of every device with energy data
// (docs/energy.md, "Home Assistant sensors"): today's and this month's kWh and cost per device,
// published retained on `<base>/<id>/energy`. Computed with the `energy` answer's rules
// (energy_report: cost per bucket, the tariff in force, tiered blocks), so the sensors and
// `hearthctl energy` agree. Pure: buckets and `now` in, payloads out.
#pragma once

#include "core/tariff.hpp"
#include "store/store_types.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace hearth {

/// Where the buckets for energy_sensor_states(…, now) must start.
time_ms energy_sensors_fetch_from(time_ms now);

/// Device id -> {"today_kwh", "today_cost", "month_kwh", "month_cost", "today_start",
/// "month_start", "ts"} for every device with buckets this month or the month-long period before
/// it, and for the whole-home meter (its consumption: the `energy` answer's total). kWh rounded to Wh, cost to
/// 1/10,000; the starts are local ISO 8601 with the offset (HA's last_reset).
std::map<std::string, nlohmann::json> energy_sensor_states(const energy_config& cfg,
                                                           const std::vector<energy_bucket>& buckets, time_ms now);

/// The payload of a device that used nothing today and this month.
nlohmann::json energy_sensor_zero(time_ms now);

/// Local ISO 8601 with a "+08:00"-style offset, e.g. "2026-03-02T00:00:00+08:00".
std::string local_iso8601(time_ms ts);

}  // namespace hearth
