// Local calendar arithmetic and the sunrise equation (see time_calc.hpp).
#include "rules/time_calc.hpp"

#include <cmath>
#include <ctime>

namespace hearth::rules {

namespace {

constexpr double pi = 3.14159265358979323846;
constexpr double ms_per_day = 86'400'000.0;
constexpr double unix_epoch_jd = 2440587.5;  // Julian date of 1970-01-01T00:00Z
constexpr double j2000 = 2451545.0;          // Julian date of 2000-01-01T12:00

double rad(double deg) { return deg * pi / 180.0; }
double deg(double r) { return r * 180.0 / pi; }

std::tm local_tm(time_ms t) {
    const std::time_t secs = static_cast<std::time_t>(t >= 0 ? t / 1000 : (t - 999) / 1000);
    std::tm tm{};
    localtime_r(&secs, &tm);
    return tm;
}

time_ms from_jd(double jd) { return static_cast<time_ms>(std::llround((jd - unix_epoch_jd) * ms_per_day)); }

}  // namespace

local_date local_date_of(time_ms t) {
    const std::tm tm = local_tm(t);
    return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

time_ms local_time_on(local_date d, int seconds) {
    std::tm tm{};
    tm.tm_year = d.year - 1900;
    tm.tm_mon = d.month - 1;
    tm.tm_mday = d.day;
    tm.tm_hour = seconds / 3600;
    tm.tm_min = (seconds / 60) % 60;
    tm.tm_sec = seconds % 60;
    tm.tm_isdst = -1;
    return static_cast<time_ms>(std::mktime(&tm)) * 1000;
}

local_date add_days(local_date d, int days) {
    std::tm tm{};
    tm.tm_year = d.year - 1900;
    tm.tm_mon = d.month - 1;
    tm.tm_mday = d.day + days;
    tm.tm_hour = 12;  // noon: never inside a DST gap
    tm.tm_isdst = -1;
    std::mktime(&tm);
    return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

int local_weekday(time_ms t) { return local_tm(t).tm_wday; }

int local_seconds_of_day(time_ms t) {
    const std::tm tm = local_tm(t);
    return tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

std::optional<time_ms> next_time_of_day(time_ms after, int at_s, weekday_mask days) {
    if ((days & every_day) == 0) return std::nullopt;
    const local_date today = local_date_of(after);
    for (int i = 0; i <= 8; ++i) {
        const local_date d = add_days(today, i);
        const time_ms candidate = local_time_on(d, at_s);
        if (candidate <= after) continue;
        if ((days & (1u << local_weekday(local_time_on(d, 12 * 3600)))) == 0) continue;
        return candidate;
    }
    return std::nullopt;
}

sun_times sun_on(local_date d, double latitude, double longitude) {
    // Day number n: the Julian cycle whose solar transit at this longitude is nearest local noon.
    const double jd_noon = static_cast<double>(local_time_on(d, 12 * 3600)) / ms_per_day + unix_epoch_jd;
    const double n = std::round(jd_noon - j2000 + longitude / 360.0);
    const double j_star = n - longitude / 360.0;                        // mean solar noon
    const double m = std::fmod(357.5291 + 0.98560028 * j_star, 360.0);  // mean anomaly
    const double c = 1.9148 * std::sin(rad(m)) + 0.0200 * std::sin(rad(2 * m)) + 0.0003 * std::sin(rad(3 * m));
    const double lambda = std::fmod(m + c + 180.0 + 102.9372, 360.0);  // ecliptic longitude
    const double transit = j2000 + j_star + 0.0053 * std::sin(rad(m)) - 0.0069 * std::sin(rad(2 * lambda));
    const double sin_decl = std::sin(rad(lambda)) * std::sin(rad(23.4397));
    const double cos_decl = std::cos(std::asin(sin_decl));
    const double cos_h =
        (std::sin(rad(-0.833)) - std::sin(rad(latitude)) * sin_decl) / (std::cos(rad(latitude)) * cos_decl);
    sun_times out;
    if (cos_h < -1.0 || cos_h > 1.0) return out;  // polar day or night
    const double h = deg(std::acos(cos_h));
    out.sunrise = from_jd(transit - h / 360.0);
    out.sunset = from_jd(transit + h / 360.0);
    return out;
}

std::optional<time_ms> next_sun_event(time_ms after, bool sunrise, time_ms offset, weekday_mask days, double latitude,
                                      double longitude) {
    if ((days & every_day) == 0) return std::nullopt;
    const local_date start = add_days(local_date_of(after), -1);
    for (int i = 0; i <= 370; ++i) {
        const local_date d = add_days(start, i);
        const sun_times s = sun_on(d, latitude, longitude);
        const auto& event = sunrise ? s.sunrise : s.sunset;
        if (!event) continue;
        const time_ms candidate = *event + offset;
        if (candidate <= after) continue;
        if ((days & (1u << local_weekday(local_time_on(d, 12 * 3600)))) == 0) continue;
        return candidate;
    }
    return std::nullopt;
}

}  // namespace hearth::rules
