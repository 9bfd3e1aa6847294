// Electricity tariffs of the main config (`energy`, docs/energy.md): flat, time-of-use (named
// periods priced per kWh, a schedule of slots per season and weekday) and tiered monthly blocks,
// each valid from a local date until the next one starts. Parsing with precise located errors,
// and the price lookups the energy report and run_when_cheapest use. Times are ms since the
// epoch; calendar questions use the process's local time zone (TZ), like the rules' time triggers.
#pragma once

#include "core/located_error.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hearth {

enum class tariff_kind { flat, time_of_use, tiered };

/// One time-of-use slot: from `start_min` (minutes after local midnight) until the next slot.
struct tou_slot {
    int start_min = 0;
    std::string period;
};

/// Slots for the months and weekdays it names (the first schedule that matches a day wins).
struct tou_schedule {
    unsigned months = 0x1FFE;  ///< bit m (1..12) set: applies in month m
    unsigned weekdays = 0x7F;  ///< bit d (0 = Sunday .. 6) set: applies on weekday d
    std::vector<tou_slot> slots;
};

/// A monthly block: consumption up to `up_to_kwh` this month (cumulative) costs `price`.
struct tier_block {
    std::optional<double> up_to_kwh;  ///< absent on the last block
    double price = 0;
};

struct tariff {
    std::string from;          ///< "YYYY-MM-DD", local date it applies from
    std::int64_t from_ms = 0;  ///< local midnight of `from`
    tariff_kind kind = tariff_kind::flat;
    double price = 0;                       ///< flat
    std::map<std::string, double> periods;  ///< time_of_use: period name -> price per kWh
    std::vector<tou_schedule> schedules;    ///< time_of_use
    std::vector<tier_block> blocks;         ///< tiered

    /// Price per kWh at `ts` (time_of_use: the slot containing it; flat: price; tiered: the
    /// block `month_kwh` (consumption earlier this month) falls in).
    [[nodiscard]] double price_at(std::int64_t ts, double month_kwh = 0) const;
    /// time_of_use: the period name at `ts` ("" for other kinds).
    [[nodiscard]] std::string period_at(std::int64_t ts) const;
    /// Cost of `kwh` used evenly over [ts, ts + span_ms) after `month_kwh` this month: time-of-use
    /// prices are weighted by the minutes of each slot; tiered blocks are crossed in order.
    [[nodiscard]] double cost(std::int64_t ts, std::int64_t span_ms, double kwh, double month_kwh) const;
};

/// `energy.findings`: the standby and anomaly rules (docs/energy.md, "Findings").
struct findings_config {
    int night_start = 1;             ///< local hour the night starts
    int night_end = 5;               ///< local hour it ends (exclusive); <= night_start: crosses midnight
    double standby_w = 3.0;          ///< a steady night draw of at least this is standby
    double standby_max_w = 30.0;     ///< above this a night draw is a load, not standby
    int nights = 7;                  ///< nights looked at
    int min_nights = 5;              ///< standby nights among them for a finding
    int anomaly_weeks = 8;           ///< the same hour of week this many weeks back
    int anomaly_min_weeks = 4;       ///< weeks of history needed
    double anomaly_factor = 3.0;     ///< an hour above factor x usual ...
    double anomaly_floor_kwh = 0.2;  ///< ... and above usual + floor is an anomaly
};

/// The `energy` section of the main config.
struct energy_config {
    std::string currency;         ///< e.g. "CNY"; shown with every cost
    std::string home_meter;       ///< device id of a whole-home meter ("" = none)
    std::vector<tariff> tariffs;  ///< ascending `from`
    findings_config findings;

    /// The tariff in force at `ts` (the last one whose `from` is not after it), or nullptr.
    [[nodiscard]] const tariff* tariff_at(std::int64_t ts) const;
};

/// Local midnight starting the calendar month that contains `ts`.
std::int64_t local_month_start(std::int64_t ts);
/// Local midnight starting the next calendar month after the one containing `ts`.
std::int64_t local_next_month_start(std::int64_t ts);
/// Local midnight starting the day containing `ts`.
std::int64_t local_day_start(std::int64_t ts);

/// Parses and checks the `energy` section (already JSON-Schema valid). Every problem is appended
/// to `errors` with its JSON pointer under "/energy".
energy_config parse_energy_config(const nlohmann::json& section, const std::string& file, located_errors& errors);

/// The section without secrets, for bridge/info (config::summary).
nlohmann::json energy_summary(const energy_config& cfg);

}  // namespace hearth
