// The care monitor's online detector (care_model.hpp; docs/proactive.md "Care alert"): tracks the
// last activity, raises one `care_alert` per inactivity episode when the gap in progress reaches
// the current hour's threshold outside quiet hours, and `care_ok` when activity resumes.
#include "proactive/care_model.hpp"
#include "proactive/local_week.hpp"
#include "rules/time_calc.hpp"

#include <algorithm>
#include <cmath>

namespace hearth::proactive {

namespace {

/// How far ahead of `now` an activity's timestamp may lie before tick() takes it as `now`.
constexpr time_ms k_future_slack_ms = time_ms{5} * 60'000;

int minutes(time_ms ms) { return static_cast<int>(std::llround(static_cast<double>(ms) / 60'000.0)); }

bool inside(int second_of_day, std::pair<int, int> range) {
    const int from = std::clamp(range.first, 0, 86'400);
    const int to = std::clamp(range.second, 0, 86'400);
    if (from == to) return false;
    if (from < to) return second_of_day >= from && second_of_day < to;
    return second_of_day >= from || second_of_day < to;  // wraps midnight
}

/// The start of the local hour after `now` (local hours are whole hours of local time).
time_ms next_hour_boundary(time_ms now) {
    const time_ms into_hour = static_cast<time_ms>(rules::local_seconds_of_day(now) % 3600) * 1000 + (now % 1000);
    return now - into_hour + ms_per_hour;
}

}  // namespace

care_monitor::care_monitor(care_settings settings, care_model model)
    : settings_(std::move(settings)), model_(model), filter_(settings_) {}

void care_monitor::set_model(care_model model) { model_ = model; }

void care_monitor::on_activity(const activity_record& record) {
    if (!filter_.accept(record)) return;
    if (last_ts_ && record.ts <= *last_ts_) return;
    last_ts_ = record.ts;
    last_device_ = record.device_id.substr(0, 64);
    last_name_ = record.name.substr(0, 64);
    if (alerting_) ok_due_ = true;
}

int care_monitor::threshold_at(time_ms t) const {
    const int floor_s = std::clamp(settings_.min_gap_min, 0, 7 * 24 * 60) * 60;
    if (model_.floor_only() || model_.days_learned < settings_.min_learn_days) return floor_s;
    return std::max(floor_s, model_.threshold_s.at(static_cast<std::size_t>(hour_of_week(t))));
}

bool care_monitor::in_quiet_hours(time_ms t) const {
    return settings_.quiet_hours && inside(rules::local_seconds_of_day(t), *settings_.quiet_hours);
}

nlohmann::json care_monitor::last_activity_json() const {
    if (!last_ts_) return nullptr;
    return {{"device", last_device_}, {"name", last_name_}, {"ts", *last_ts_}};
}

std::optional<care_transition> care_monitor::tick(time_ms now) {
    if (!baseline_) baseline_ = now;
    if (last_ts_ && *last_ts_ > now + k_future_slack_ms) last_ts_ = now;  // a clock gone wrong must not mute
    if (ok_due_) {
        ok_due_ = false;
        alerting_ = false;
        nlohmann::json event = {{"type", "care_ok"},
                                {"since", alert_since_},
                                {"inactive_min", minutes(last_ts_.value_or(now) - alert_since_)},
                                {"threshold_min", minutes(static_cast<time_ms>(alert_threshold_s_) * 1000)},
                                {"hour_of_week", alert_hour_},
                                {"alerted_at", alert_ts_},
                                {"rests_on", model_.explain(alert_hour_)},
                                {"last_activity", last_activity_json()},
                                {"ts", last_ts_.value_or(now)}};
        return care_transition{care_transition::kind::ok, std::move(event)};
    }
    if (!settings_.enabled || alerting_ || in_quiet_hours(now)) return std::nullopt;
    const time_ms since = last_ts_.value_or(*baseline_);
    const int threshold_s = threshold_at(now);
    if (now - since < static_cast<time_ms>(threshold_s) * 1000) return std::nullopt;
    alerting_ = true;
    alert_since_ = since;
    alert_ts_ = now;
    alert_hour_ = hour_of_week(now);
    alert_threshold_s_ = threshold_s;
    nlohmann::json rests_on = model_.explain(alert_hour_);
    if (!last_ts_) rests_on["note"] = "no activity seen since monitoring started";
    nlohmann::json event = {{"type", "care_alert"},
                            {"since", since},
                            {"inactive_min", minutes(now - since)},
                            {"threshold_min", minutes(static_cast<time_ms>(threshold_s) * 1000)},
                            {"hour_of_week", alert_hour_},
                            {"rests_on", std::move(rests_on)},
                            {"last_activity", last_activity_json()},
                            {"ts", now}};
    return care_transition{care_transition::kind::alert, std::move(event)};
}

time_ms care_monitor::next_check(time_ms now) const {
    if (ok_due_) return now;
    time_ms next = next_hour_boundary(now);
    if (!settings_.enabled || alerting_) return next;
    if (settings_.quiet_hours) {
        for (const int at_s : {settings_.quiet_hours->first, settings_.quiet_hours->second}) {
            if (const auto t = rules::next_time_of_day(now, std::clamp(at_s, 0, 86'399), rules::every_day)) {
                next = std::min(next, *t);
            }
        }
    }
    const time_ms since = last_ts_.value_or(baseline_.value_or(now));
    const time_ms due = since + static_cast<time_ms>(threshold_at(now)) * 1000;
    if (due > now) return std::min(next, due);
    return in_quiet_hours(now) ? next : now;
}

nlohmann::json care_monitor::status(time_ms now) const {
    const std::optional<time_ms> since = last_ts_ ? last_ts_ : baseline_;
    nlohmann::json out = {
        {"enabled", settings_.enabled},
        {"last_activity", last_activity_json()},
        {"since", since ? nlohmann::json(*since) : nlohmann::json(nullptr)},
        {"inactive_min", since ? nlohmann::json(minutes(std::max<time_ms>(0, now - *since))) : nlohmann::json(nullptr)},
        {"hour_of_week", hour_of_week(now)},
        {"threshold_min", minutes(static_cast<time_ms>(threshold_at(now)) * 1000)},
        {"quiet", in_quiet_hours(now)},
        {"alerting", alerting_},
        {"model", model_.summary()},
        {"rests_on", model_.explain(hour_of_week(now))},
        {"next_check", next_check(now)}};
    if (alerting_) out["alert"] = {{"since", alert_since_}, {"ts", alert_ts_}, {"hour_of_week", alert_hour_}};
    return out;
}

}  // namespace hearth::proactive
