// Time routines (miner_timeline.hpp): per action, the local times of day it happens at, clustered
// on a circular day; a cluster that holds on most days of a weekday class becomes a routine.
#include "proactive/local_week.hpp"
#include "proactive/miner_timeline.hpp"
#include "rules/time_calc.hpp"

#include <algorithm>
#include <cstdlib>

namespace hearth::proactive::detail {

namespace {

constexpr int day_s = 86'400;
constexpr int half_day_s = day_s / 2;
constexpr int max_clusters_per_action = 4;

struct point {
    int day = 0;  ///< local day number of the occurrence
    int sod = 0;  ///< local seconds of day
    time_ms ts = 0;
    bool removed = false;
};

/// Local days [first, last] of the window and the weekday of each.
struct calendar {
    int first = 0;
    int last = -1;
    [[nodiscard]] static bool weekend_day(int day) {
        const int weekday = ((day % 7) + 7 + 4) % 7;  // 1970-01-01 was a Thursday; 0 = Sunday
        return weekday == 0 || weekday == 6;
    }
    [[nodiscard]] static bool in_class(int day, day_class days) {
        if (days == day_class::every_day) return true;
        return weekend_day(day) == (days == day_class::weekend);
    }
    [[nodiscard]] int count(int from_day, day_class days) const {
        int n = 0;
        for (int d = std::max(first, from_day); d <= last; ++d) n += in_class(d, days) ? 1 : 0;
        return n;
    }
};

/// How an action's occurrences fit one time of day on one class of days.
struct fit {
    int support = 0;     ///< days with an occurrence within the tolerance
    int class_days = 0;  ///< days of the class the device existed on
    int at_s = 0;        ///< median time of the nearest occurrence of each supporting day
    int spread_s = 0;
    double lift = 0;              ///< share of occurrences in the window / share of the day the window is
    std::vector<time_ms> newest;  ///< the supporting occurrences, newest first
    [[nodiscard]] double confidence() const { return class_days > 0 ? static_cast<double>(support) / class_days : 0; }
};

int signed_delta(int raw) {
    int delta = raw % day_s;
    if (delta > half_day_s) delta -= day_s;
    if (delta <= -half_day_s) delta += day_s;
    return delta;
}

/// The day a routine instance at `center` near point `p` belongs to (an occurrence at 00:10
/// belongs to the previous evening's 23:50 routine).
int routine_day(const point& p, int center, int delta) { return p.day + (p.sod - center - delta) / day_s; }

fit evaluate(const std::vector<point>& points, int center, day_class days, const calendar& cal, int start_day,
             int tolerance_s) {
    fit out;
    out.class_days = cal.count(start_day, days);
    const int first = std::max(cal.first, start_day);
    if (cal.last < first) return out;
    std::vector<int> best(static_cast<std::size_t>(cal.last - first + 1), -1);
    std::vector<int> best_delta(best.size(), 0);
    int in_window = 0;
    int in_class = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const auto& p = points[i];
        if (p.removed) continue;
        const int delta = signed_delta(p.sod - center);
        const int day = routine_day(p, center, delta);
        if (day < first || day > cal.last || !calendar::in_class(day, days)) continue;
        ++in_class;
        if (std::abs(delta) > tolerance_s) continue;
        ++in_window;
        auto slot = static_cast<std::size_t>(day - first);
        if (best[slot] < 0 || std::abs(delta) < std::abs(best_delta[slot])) {
            best[slot] = static_cast<int>(i);
            best_delta[slot] = delta;
        }
    }
    std::vector<int> deltas;
    for (std::size_t slot = best.size(); slot-- > 0;) {
        if (best[slot] < 0) continue;
        deltas.push_back(best_delta[slot]);
        out.newest.push_back(points[static_cast<std::size_t>(best[slot])].ts);
    }
    out.support = static_cast<int>(deltas.size());
    if (deltas.empty()) return out;
    std::vector<int> sorted = deltas;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    const int median = sorted[sorted.size() / 2];
    out.at_s = ((center + median) % day_s + day_s) % day_s;
    for (auto& d : sorted) d = std::abs(d - median);
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    out.spread_s = sorted[sorted.size() / 2];
    const double window_share = 2.0 * tolerance_s / day_s;
    out.lift = in_class > 0 ? (static_cast<double>(in_window) / in_class) / window_share : 0;
    return out;
}

/// The densest window of 2 × tolerance per class (sliding over the circular day): its centre.
struct centres {
    int every = 0, weekdays = 0, weekend = 0;
};

centres densest(const std::vector<point>& points, int tolerance_s) {
    struct pos {
        int at;
        bool weekend;
    };
    std::vector<pos> line;
    for (const auto& p : points) {
        if (p.removed) continue;
        line.push_back({p.sod, calendar::weekend_day(p.day)});
    }
    std::sort(line.begin(), line.end(), [](const pos& a, const pos& b) { return a.at < b.at; });
    const std::size_t n = line.size();
    // The wrapped copy (one day later) lets a window span midnight; the class stays the original's.
    line.reserve(2 * n);
    for (std::size_t i = 0; i < n; ++i) line.push_back({line[i].at + day_s, line[i].weekend});
    centres out;
    int best_all = -1, best_wk = -1, best_we = -1;
    int all = 0, wk = 0, we = 0;
    std::size_t j = 0;
    for (std::size_t i = 0; i < n; ++i) {
        while (j < line.size() && line[j].at <= line[i].at + 2 * tolerance_s) {
            ++all;
            (line[j].weekend ? we : wk) += 1;
            ++j;
        }
        const int centre = (line[i].at + tolerance_s) % day_s;
        if (all > best_all) best_all = all, out.every = centre;
        if (wk > best_wk) best_wk = wk, out.weekdays = centre;
        if (we > best_we) best_we = we, out.weekend = centre;
        --all;
        (line[i].weekend ? we : wk) -= 1;
    }
    return out;
}

}  // namespace

std::vector<time_routine> find_time_routines(const timeline& line, const miner_options& options) {
    std::vector<time_routine> out;
    calendar cal;
    const time_ms from = line.from_s * 1000;
    const time_ms to = line.to_s * 1000;
    cal.first = local_day_number(from) + (rules::local_seconds_of_day(from) == 0 ? 0 : 1);
    cal.last = rules::local_seconds_of_day(to) == 0 ? local_day_number(to - 1) : local_day_number(to) - 1;
    const int tolerance_s = options.time_tolerance_min * 60;

    std::vector<std::vector<std::uint32_t>> by_action(line.actions.size());
    for (std::uint32_t i = 0; i < line.action_occ.size(); ++i) by_action[line.action_occ[i].key].push_back(i);

    for (std::size_t key = 0; key < by_action.size(); ++key) {
        const auto& indices = by_action[key];
        if (indices.size() < static_cast<std::size_t>(std::max(1, options.min_days))) continue;
        std::vector<point> points;
        points.reserve(indices.size());
        for (auto i : indices) {
            const time_ms ts = line.seconds(line.action_occ[i]) * 1000;
            points.push_back({local_day_number(ts), rules::local_seconds_of_day(ts), ts, false});
        }
        const auto device = line.action_device[key];
        const int start_day = local_day_number(line.device_first_s[device] * 1000);

        auto accepted = [&](const fit& f) {
            return f.support >= options.min_days && f.confidence() >= options.min_confidence &&
                   f.lift >= options.min_time_lift;
        };
        auto refine = [&](int centre, day_class days) {
            auto f = evaluate(points, centre, days, cal, start_day, tolerance_s);
            return f.support > 0 ? evaluate(points, f.at_s, days, cal, start_day, tolerance_s) : f;
        };
        for (int round = 0; round < max_clusters_per_action; ++round) {
            const auto c = densest(points, tolerance_s);
            std::vector<std::pair<day_class, fit>> found;
            auto every = refine(c.every, day_class::every_day);
            auto on_weekdays = evaluate(points, every.at_s, day_class::weekdays, cal, start_day, tolerance_s);
            auto on_weekend = evaluate(points, every.at_s, day_class::weekend, cal, start_day, tolerance_s);
            if (accepted(every) && on_weekdays.confidence() >= options.min_confidence &&
                on_weekend.confidence() >= options.min_confidence) {
                found.emplace_back(day_class::every_day, std::move(every));
            } else {
                for (auto days : {day_class::weekdays, day_class::weekend}) {
                    auto f = refine(days == day_class::weekdays ? c.weekdays : c.weekend, days);
                    if (accepted(f)) found.emplace_back(days, std::move(f));
                }
            }
            if (found.empty()) break;
            for (auto& [days, f] : found) {
                for (auto& p : points) {
                    const int delta = signed_delta(p.sod - f.at_s);
                    if (std::abs(delta) <= tolerance_s && calendar::in_class(routine_day(p, f.at_s, delta), days))
                        p.removed = true;
                }
                if (f.newest.size() > static_cast<std::size_t>(std::max(0, options.max_examples)))
                    f.newest.resize(static_cast<std::size_t>(std::max(0, options.max_examples)));
                out.push_back({line.actions[key], days, f.at_s, f.spread_s, f.support, f.class_days, f.confidence(),
                               std::move(f.newest)});
            }
        }
    }
    return out;
}

}  // namespace hearth::proactive::detail
