// Local calendar positions (local_week.hpp), on rules/time_calc's localtime-based helpers.
#include "proactive/local_week.hpp"

#include "rules/time_calc.hpp"

namespace hearth::proactive {

namespace {
/// Days from 1970-01-01 to the civil date (Howard Hinnant's days_from_civil).
int days_from_civil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}
}  // namespace

int hour_of_week(time_ms t) { return rules::local_weekday(t) * 24 + rules::local_seconds_of_day(t) / 3600; }

int local_day_number(time_ms t) {
    const auto d = rules::local_date_of(t);
    return days_from_civil(d.year, d.month, d.day);
}

bool is_weekend(time_ms t) {
    const int wd = rules::local_weekday(t);
    return wd == 0 || wd == 6;
}

}  // namespace hearth::proactive
