// The care model's learning (care_model.hpp; docs/proactive.md "Care alert"): for every local hour
// of every learned day, the longest inactivity in progress seen during that hour widened by the
// shift tolerance; per hour of day, a robust high quantile of those daily values over the learned
// days, a margin and the floor give the threshold.
#include "proactive/care_model.hpp"
#include "proactive/local_week.hpp"
#include "rules/time_calc.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace hearth::proactive {

namespace {

constexpr int k_days_max = 366;
/// The robust quantile is the k-th largest daily value with k = max(1, n / k_rank_divisor).
constexpr std::size_t k_rank_divisor = 20;
constexpr int k_hours_for_a_learned_day = 18;
constexpr std::array<const char*, 7> k_weekday_names{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                     "Thursday", "Friday", "Saturday"};

int floor_seconds(const care_settings& settings) { return std::clamp(settings.min_gap_min, 0, 7 * 24 * 60) * 60; }

/// The k-th largest of `values` with k = max(1, n / 20): the largest of up to 39 days (28 by
/// default: events seen once in four weeks are normal), the 2nd largest from 40 days on, and so on.
std::size_t robust_rank(std::size_t n) { return std::max<std::size_t>(1, n / k_rank_divisor); }

int robust_high(std::vector<int> values) {
    const std::size_t k = robust_rank(values.size());
    std::sort(values.begin(), values.end(), std::greater<>());
    return values[k - 1];
}

int minutes(int seconds) { return static_cast<int>(std::lround(seconds / 60.0)); }

}  // namespace

care_learner::care_learner(const care_settings& settings, time_ms from, time_ms to)
    : settings_(settings), filter_(settings), from_(from), to_(to) {
    settings_.learn_days = std::clamp(settings_.learn_days, 1, k_days_max);
    if (to_ <= 0 || to_ >= k_care_max_ts || from_ >= to_) {
        from_ = to_ = 0;
        return;
    }
    from_ = std::max({from_, time_ms{0}, to_ - static_cast<time_ms>(settings_.learn_days + 1) * ms_per_day});
    rules::local_date date = rules::local_date_of(from_);
    for (int day = 0; day <= settings_.learn_days + 1; ++day, date = rules::add_days(date, 1)) {
        for (int hour = 0; hour < 24; ++hour) {
            hour_window w;
            w.start = rules::local_time_on(date, hour * 3600);
            w.end = rules::local_time_on(date, (hour + 1) * 3600);
            if (w.end <= w.start || w.start - k_shift_ms < from_ || w.end + k_shift_ms > to_) continue;
            w.day = day;
            w.hour_of_week = hour_of_week(w.start);
            windows_.push_back(w);
        }
    }
}

void care_learner::add(const activity_record& record) {
    if (record.ts < from_ || record.ts >= to_) return;
    if (last_ && record.ts < *last_) return;  // out of order: the stream is oldest first
    if (!filter_.accept(record)) return;
    ++activities_;
    if (!last_) {
        // What came before the first activity is unknown: hours reaching back before it are not learned.
        for (auto& w : windows_) {
            if (w.start - k_shift_ms < record.ts) w.excluded = true;
        }
    } else {
        add_gap(*last_, record.ts);
    }
    last_ = record.ts;
}

void care_learner::add_gap(time_ms from_ts, time_ms to_ts) {
    while (next_window_ < windows_.size() && windows_[next_window_].end + k_shift_ms <= from_ts) ++next_window_;
    const bool absent = to_ts - from_ts > k_absent_ms;
    for (std::size_t i = next_window_; i < windows_.size() && windows_[i].start - k_shift_ms < to_ts; ++i) {
        hour_window& w = windows_[i];
        const time_ms lo = std::max(from_ts, w.start - k_shift_ms);
        const time_ms hi = std::min(to_ts, w.end + k_shift_ms);
        if (hi <= lo) continue;
        if (absent) {
            w.excluded = true;
            continue;
        }
        w.max_gap_s = std::max(w.max_gap_s, static_cast<int>((hi - from_ts) / 1000));
    }
}

care_model care_learner::finish() {
    if (last_) add_gap(*last_, to_);
    care_model model;
    model.from = from_;
    model.to = to_;
    model.activities = activities_;
    model.floor_s = floor_seconds(settings_);
    model.min_learn_days = std::max(settings_.min_learn_days, 1);

    std::array<std::vector<int>, 24> per_hour;
    std::vector<int> sampled_hours_per_day(static_cast<std::size_t>(settings_.learn_days) + 2, 0);
    for (const auto& w : windows_) {
        if (w.excluded || w.max_gap_s < 0) continue;
        per_hour[static_cast<std::size_t>(w.hour_of_week % 24)].push_back(w.max_gap_s);
        ++sampled_hours_per_day[static_cast<std::size_t>(w.day)];
    }
    model.days_learned = static_cast<int>(std::count_if(sampled_hours_per_day.begin(), sampled_hours_per_day.end(),
                                                        [](int n) { return n >= k_hours_for_a_learned_day; }));
    for (int s = 0; s < k_hours_per_week; ++s) {
        const auto slot = static_cast<std::size_t>(s);
        const auto& values = per_hour[slot % 24];
        model.samples[slot] = static_cast<int>(values.size());
        model.typical_gap_s[slot] = values.empty() ? 0 : robust_high(values);
        int threshold = model.floor_s;
        if (!model.floor_only() && !values.empty()) {
            const double learned = model.typical_gap_s[slot] * k_margin_factor + k_margin_add_s;
            threshold = std::max(threshold, static_cast<int>(std::min(learned, 14.0 * 24 * 3600)));
        }
        model.threshold_s[slot] = threshold;
    }
    return model;
}

nlohmann::json care_model::explain(int hour_of_week) const {
    const auto slot = static_cast<std::size_t>(std::clamp(hour_of_week, 0, k_hours_per_week - 1));
    const int hour = static_cast<int>(slot % 24);
    nlohmann::json out = {{"hour_of_week", slot},
                          {"weekday", k_weekday_names.at(slot / 24)},
                          {"hour", hour},
                          {"threshold_min", minutes(threshold_s.at(slot))},
                          {"floor_min", minutes(floor_s)},
                          {"days_learned", days_learned},
                          {"from", from},
                          {"to", to}};
    if (floor_only()) {
        out["basis"] = "floor";
        out["why"] = "only " + std::to_string(days_learned) + " of " + std::to_string(min_learn_days) +
                     " days of history: the floor alone applies";
        return out;
    }
    const bool learned_wins = samples.at(slot) > 0 && threshold_s.at(slot) > floor_s;
    out["basis"] = learned_wins ? "learned" : "floor";
    out["typical_gap_min"] = minutes(typical_gap_s.at(slot));
    out["samples"] = samples.at(slot);
    char hour_text[48];
    std::snprintf(hour_text, sizeof hour_text, "%02d:00-%02d:00", hour, (hour + 1) % 24);
    const auto rank = robust_rank(static_cast<std::size_t>(samples.at(slot)));
    out["why"] = "longest inactivity in progress during " + std::string(hour_text) + " (+-" +
                 std::to_string(care_learner::k_shift_ms / 60'000) + " min) on each of " +
                 std::to_string(samples.at(slot)) + " days, number " + std::to_string(rank) +
                 " from the top: " + std::to_string(minutes(typical_gap_s.at(slot))) + " min; threshold = max(floor, " +
                 "that x " + std::to_string(care_learner::k_margin_factor).substr(0, 4) + " + " +
                 std::to_string(care_learner::k_margin_add_s / 60) + " min)";
    return out;
}

nlohmann::json care_model::summary() const {
    return {{"days_learned", days_learned},
            {"activities", activities},
            {"from", from},
            {"to", to},
            {"floor_min", minutes(floor_s)},
            {"min_learn_days", min_learn_days},
            {"basis", floor_only() ? "floor" : "learned"}};
}

}  // namespace hearth::proactive
