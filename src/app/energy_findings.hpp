// Standby and anomaly findings over the stored hourly energy buckets (docs/energy.md, "Findings"):
// a device that drew a steady low power all night on most recent nights (with its yearly kWh and
// cost at that level), and an hour in which a device used far more than it usually does in that
// hour of the week. Pure: buckets, the config and `now` in, findings out; no clock, no I/O.
#pragma once

#include "core/tariff.hpp"
#include "store/store_types.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace hearth {

/// A device that stayed at a standby level through most recent nights.
struct standby_finding {
    std::string device;
    double watts = 0;        ///< median of its standby nights' mean power
    int nights = 0;          ///< standby nights among the nights looked at
    double yearly_kwh = 0;   ///< watts × 8,760 h
    double yearly_cost = 0;  ///< the same constant draw priced over the coming 365 days
};

/// One hour in which a device used far more than its usual for that hour of the week.
struct anomaly_finding {
    std::string device;
    time_ms hour = 0;      ///< start of the hour
    double kwh = 0;        ///< used in that hour
    double usual_kwh = 0;  ///< median of the same hour in the weeks before
    int weeks = 0;         ///< weeks of history the median is over
};

struct energy_findings {
    std::vector<standby_finding> standby;    ///< by device id
    std::vector<anomaly_finding> anomalies;  ///< by device id, then hour
};

/// Anomalies are looked for in the complete hours of the last day before `now`.
inline constexpr int findings_anomaly_hours = 24;

/// Where the buckets for find_energy_findings(…, now) must start: the oldest night, the oldest
/// anomaly baseline week and the local month start (tiered prices), whichever is earliest.
time_ms findings_fetch_from(const findings_config& rules, time_ms now);

/// The findings from every device's buckets in [findings_fetch_from(rules, now), now). Only
/// hourly buckets count; the whole-home meter (cfg.home_meter) is no device here. Deterministic.
energy_findings find_energy_findings(const energy_config& cfg, const std::vector<energy_bucket>& buckets, time_ms now);

/// A stable identity per finding, so each is published as an event once: "standby:<device>",
/// "anomaly:<device>:<hour>".
std::string finding_key(const standby_finding& f);
std::string finding_key(const anomaly_finding& f);

/// The `energy_findings` answer (docs/mqtt-api.md); `device` narrows it to one device ("" = all).
nlohmann::json findings_json(const energy_findings& f, const energy_config& cfg, time_ms now,
                             const std::string& device);
/// The `bridge/event` messages of one finding (type energy_standby / energy_anomaly).
nlohmann::json finding_event(const standby_finding& f, const energy_config& cfg, time_ms now);
nlohmann::json finding_event(const anomaly_finding& f, time_ms now);

}  // namespace hearth
