// Standby and anomaly findings (see energy_findings.hpp; the rules are in docs/energy.md).
#include "app/energy_findings.hpp"

#include "core/cheapest_window.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

namespace hearth {
namespace {

using json = nlohmann::json;
using hours_map = std::map<time_ms, double>;  ///< hour start -> kWh

/// Comparisons at a configured threshold allow for the mWh rounding of stored buckets.
constexpr double k_eps = 1e-9;
constexpr time_ms ms_per_week = 7 * ms_per_day;
/// A night is steady when its hours differ by at most this share of its mean power ...
constexpr double k_steady_share = 0.25;
/// ... or by at most this many watts (meters that report in whole watts or 0.01 kWh steps).
constexpr double k_steady_watts = 1.0;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

time_ms hour_of(time_ms ts) { return ts - (((ts % ms_per_hour) + ms_per_hour) % ms_per_hour); }

/// The local midnight before the one at `day` (DST-safe: a day is 23 to 25 hours).
time_ms previous_day(time_ms day) { return local_day_start(day - ms_per_day / 2); }

/// [start, end) of the night that ends on the local day starting at `day`.
std::pair<time_ms, time_ms> night_of(const findings_config& r, time_ms day) {
    const time_ms end = day + r.night_end * ms_per_hour;
    const time_ms start = r.night_start < r.night_end ? day + r.night_start * ms_per_hour
                                                      : previous_day(day) + r.night_start * ms_per_hour;
    return {start, end};
}

/// The local day whose night is the newest one that has ended by `now`.
time_ms newest_night_day(const findings_config& r, time_ms now) {
    const time_ms today = local_day_start(now);
    return night_of(r, today).second <= now ? today : previous_day(today);
}

/// The mean power (W) of the night [start, end) when it is a standby night, else nullopt: every
/// stored hour starting in it has a bucket, each at least standby_w and at most standby_max_w,
/// and they differ by at most max(25 % of the mean, 1 W).
std::optional<double> standby_night(const findings_config& r, const hours_map& hours, time_ms start, time_ms end) {
    std::vector<double> watts;
    for (time_ms t = hour_of(start - 1) + ms_per_hour; t < end; t += ms_per_hour) {
        const auto it = hours.find(t);
        if (it == hours.end()) return std::nullopt;  // a gap: not known to be standby
        watts.push_back(it->second * 1000.0);        // kWh in one hour = mean kW
    }
    if (watts.empty()) return std::nullopt;
    const auto [lo, hi] = std::minmax_element(watts.begin(), watts.end());
    double sum = 0;
    for (double w : watts) sum += w;
    const double mean = sum / static_cast<double>(watts.size());
    if (*lo < r.standby_w - k_eps || *hi > r.standby_max_w + k_eps) return std::nullopt;
    if (*hi - *lo > std::max(k_steady_share * mean, k_steady_watts) + k_eps) return std::nullopt;
    return mean;
}

/// kWh used this local month before `now`: the home meter's when it reported, else the devices'.
double month_to_date(const energy_config& cfg, const std::vector<energy_bucket>& buckets, time_ms now) {
    const time_ms month = local_month_start(now);
    double home = 0, devices = 0;
    bool home_seen = false;
    for (const auto& b : buckets) {
        if (b.ts < month || b.ts >= now) continue;
        if (!cfg.home_meter.empty() && b.device_id == cfg.home_meter) {
            home += b.kwh;
            home_seen = true;
        } else {
            devices += b.kwh;
        }
    }
    return home_seen ? home : devices;
}

/// What 1 kW drawn for the coming 365 days costs: ∫ price dt under the tariffs (time-of-use
/// slots, seasons and tariff changes followed). Under a tiered tariff in force now, the price of
/// the block the home's consumption reached this month (a standby draw is the marginal kWh; an
/// integral of 1 kW would cross the blocks with 8,760 kWh).
double year_of_one_kw(const energy_config& cfg, const std::vector<energy_bucket>& buckets, time_ms now) {
    const double month_kwh = month_to_date(cfg, buckets, now);
    const time_ms year = 365 * ms_per_day;
    if (const tariff* t = cfg.tariff_at(now); t != nullptr && t->kind == tariff_kind::tiered) {
        return t->price_at(now, month_kwh) * 365.0 * 24.0;
    }
    return price_integral(cfg, now, now + year, month_kwh);
}

std::optional<standby_finding> find_standby(const energy_config& cfg, const std::string& device, const hours_map& hours,
                                            time_ms now) {
    const findings_config& r = cfg.findings;
    std::vector<double> levels;
    time_ms day = newest_night_day(r, now);
    for (int i = 0; i < r.nights; ++i, day = previous_day(day)) {
        const auto [start, end] = night_of(r, day);
        if (auto w = standby_night(r, hours, start, end)) levels.push_back(*w);
    }
    if (static_cast<int>(levels.size()) < r.min_nights || levels.empty()) return std::nullopt;
    standby_finding f;
    f.device = device;
    f.watts = median(levels);
    f.nights = static_cast<int>(levels.size());
    f.yearly_kwh = f.watts * 8.76;  // W × 8,760 h / 1,000
    return f;
}

void find_anomalies(const findings_config& r, const std::string& device, const hours_map& hours, time_ms now,
                    std::vector<anomaly_finding>& out) {
    if (hours.empty()) return;
    const time_ms first = hours.begin()->first;  // the device's history starts here
    const time_ms now_hour = hour_of(now);
    for (auto it = hours.lower_bound(now_hour - findings_anomaly_hours * ms_per_hour);
         it != hours.end() && it->first < now_hour; ++it) {
        const auto [hour, kwh] = *it;
        std::vector<double> past;
        for (int k = 1; k <= r.anomaly_weeks; ++k) {
            const time_ms t = hour - k * ms_per_week;
            if (t < first) break;  // before the device's first bucket: no history
            const auto p = hours.find(t);
            past.push_back(p != hours.end() ? p->second : 0.0);  // within its history, no bucket = nothing used
        }
        if (static_cast<int>(past.size()) < r.anomaly_min_weeks || past.empty()) continue;
        const double usual = median(past);
        const double bound = std::max(r.anomaly_factor * usual, usual + r.anomaly_floor_kwh);
        if (kwh > bound + k_eps) out.push_back({device, hour, kwh, usual, static_cast<int>(past.size())});
    }
}

std::string fixed_text(const char* fmt, double value) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, value);
    return buf;
}

}  // namespace

time_ms findings_fetch_from(const findings_config& rules, time_ms now) {
    const time_ms nights = local_day_start(now) - static_cast<time_ms>(rules.nights + 2) * ms_per_day;
    const time_ms weeks = hour_of(now) - findings_anomaly_hours * ms_per_hour - rules.anomaly_weeks * ms_per_week;
    return std::min({nights, weeks, local_month_start(now)});
}

energy_findings find_energy_findings(const energy_config& cfg, const std::vector<energy_bucket>& buckets, time_ms now) {
    std::map<std::string, hours_map> by_device;
    for (const auto& b : buckets) {
        if (b.span_ms != ms_per_hour || b.ts >= now) continue;
        if (!cfg.home_meter.empty() && b.device_id == cfg.home_meter) continue;
        by_device[b.device_id][b.ts] += b.kwh;
    }
    energy_findings out;
    std::optional<double> price_hours_year;  // cost of 1 kW over the coming year
    for (const auto& [device, hours] : by_device) {
        if (auto f = find_standby(cfg, device, hours, now)) {
            if (!price_hours_year) price_hours_year = year_of_one_kw(cfg, buckets, now);
            f->yearly_cost = f->watts / 1000.0 * *price_hours_year;
            out.standby.push_back(std::move(*f));
        }
        find_anomalies(cfg.findings, device, hours, now, out.anomalies);
    }
    return out;
}

std::string finding_key(const standby_finding& f) { return "standby:" + f.device; }
std::string finding_key(const anomaly_finding& f) { return "anomaly:" + f.device + ":" + std::to_string(f.hour); }

json findings_json(const energy_findings& f, const energy_config& cfg, time_ms now, const std::string& device) {
    const findings_config& r = cfg.findings;
    json standby = json::array();
    for (const auto& s : f.standby) {
        if (!device.empty() && s.device != device) continue;
        standby.push_back({{"device", s.device},
                           {"watts", s.watts},
                           {"nights", s.nights},
                           {"of_nights", r.nights},
                           {"yearly_kwh", s.yearly_kwh},
                           {"yearly_cost", s.yearly_cost}});
    }
    json anomalies = json::array();
    for (const auto& a : f.anomalies) {
        if (!device.empty() && a.device != device) continue;
        anomalies.push_back({{"device", a.device},
                             {"hour", a.hour},
                             {"kwh", a.kwh},
                             {"usual_kwh", a.usual_kwh},
                             {"ratio", a.usual_kwh > 0 ? json(a.kwh / a.usual_kwh) : json(nullptr)},
                             {"weeks", a.weeks}});
    }
    return {{"ts", now},
            {"currency", cfg.currency},
            {"rules",
             {{"night_start", r.night_start},
              {"night_end", r.night_end},
              {"standby_w", r.standby_w},
              {"standby_max_w", r.standby_max_w},
              {"nights", r.nights},
              {"min_nights", r.min_nights},
              {"anomaly_weeks", r.anomaly_weeks},
              {"anomaly_min_weeks", r.anomaly_min_weeks},
              {"anomaly_factor", r.anomaly_factor},
              {"anomaly_floor_kwh", r.anomaly_floor_kwh}}},
            {"standby", standby},
            {"anomalies", anomalies}};
}

json finding_event(const standby_finding& f, const energy_config& cfg, time_ms now) {
    std::string message = f.device + ": " + fixed_text("%.1f", f.watts) + " W all night on " +
                          std::to_string(f.nights) + " of " + std::to_string(cfg.findings.nights) + " nights, ~" +
                          fixed_text("%.0f", f.yearly_kwh) + " kWh/year";
    if (!cfg.currency.empty()) message += ", ~" + fixed_text("%.0f", f.yearly_cost) + " " + cfg.currency + "/year";
    return {{"type", "energy_standby"}, {"device", f.device},         {"watts", f.watts},
            {"nights", f.nights},       {"yearly_kwh", f.yearly_kwh}, {"yearly_cost", f.yearly_cost},
            {"currency", cfg.currency}, {"message", message},         {"ts", now}};
}

json finding_event(const anomaly_finding& f, time_ms now) {
    const std::string message = f.device + ": " + fixed_text("%.2f", f.kwh) + " kWh in one hour, usually " +
                                fixed_text("%.2f", f.usual_kwh) + " kWh at that hour of the week";
    return {{"type", "energy_anomaly"}, {"device", f.device}, {"hour", f.hour},     {"kwh", f.kwh},
            {"usual_kwh", f.usual_kwh}, {"weeks", f.weeks},   {"message", message}, {"ts", now}};
}

}  // namespace hearth
