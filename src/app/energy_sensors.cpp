// Today's and this month's kWh and cost per device (see energy_sensors.hpp).
#include "app/energy_sensors.hpp"

#include "app/energy_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace hearth {
namespace {

using json = nlohmann::json;

/// `value` rounded to 1/`per` (the division gives the double nearest to the decimal).
double round_to(double value, double per) { return std::round(value * per) / per; }

energy_query range(time_ms from, time_ms now, energy_grouping by) {
    energy_query q;
    q.by = by;
    q.from = from;
    q.to = std::max(now, from + 1);
    return q;
}

/// Device id -> {kwh, cost} of an `energy` answer's rows; the home meter's is the answer's total.
std::map<std::string, std::pair<double, double>> rows_of(const json& report, const std::string& home_meter) {
    std::map<std::string, std::pair<double, double>> out;
    for (const auto& row : report.at("devices")) {
        out[row.at("device").get<std::string>()] = {row.at("kwh").get<double>(), row.at("cost").get<double>()};
    }
    if (!home_meter.empty()) {
        const json& total = report.at("total");
        out[home_meter] = {total.at("kwh").get<double>(), total.at("cost").get<double>()};
    }
    return out;
}

}  // namespace

std::string local_iso8601(time_ms ts) {
    const std::time_t t = static_cast<std::time_t>(ts / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    char text[40];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    const long offset_min = tm.tm_gmtoff / 60;
    const long abs_min = offset_min < 0 ? -offset_min : offset_min;
    char zone[48];
    std::snprintf(zone, sizeof zone, "%c%02ld:%02ld", offset_min < 0 ? '-' : '+', abs_min / 60, abs_min % 60);
    return std::string(text) + zone;
}

time_ms energy_sensors_fetch_from(time_ms now) {
    return energy_fetch_from(range(local_month_start(now), now, energy_grouping::day));
}

json energy_sensor_zero(time_ms now) {
    return {{"today_kwh", 0.0},
            {"today_cost", 0.0},
            {"month_kwh", 0.0},
            {"month_cost", 0.0},
            {"today_start", local_iso8601(local_day_start(now))},
            {"month_start", local_iso8601(local_month_start(now))},
            {"ts", now}};
}

std::map<std::string, json> energy_sensor_states(const energy_config& cfg, const std::vector<energy_bucket>& buckets,
                                                 time_ms now) {
    const time_ms day = local_day_start(now);
    const time_ms month = local_month_start(now);
    const auto today = rows_of(energy_report(range(day, now, energy_grouping::hour), cfg, buckets), cfg.home_meter);
    const auto this_month =
        rows_of(energy_report(range(month, now, energy_grouping::day), cfg, buckets), cfg.home_meter);
    std::map<std::string, json> out;
    for (const auto& [device, month_totals] : this_month) {
        const auto it = today.find(device);
        const auto day_totals = it != today.end() ? it->second : std::pair<double, double>{0, 0};
        out[device] = {{"today_kwh", round_to(day_totals.first, 1e3)},
                       {"today_cost", round_to(day_totals.second, 1e4)},
                       {"month_kwh", round_to(month_totals.first, 1e3)},
                       {"month_cost", round_to(month_totals.second, 1e4)},
                       {"today_start", local_iso8601(day)},
                       {"month_start", local_iso8601(month)},
                       {"ts", now}};
    }
    return out;
}

}  // namespace hearth
