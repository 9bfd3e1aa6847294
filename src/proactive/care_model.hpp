// The care monitor's pure parts (docs/proactive.md, "Care alert"): which activity-log records show
// that the resident is active, the model of normal inactivity per local hour of the week learned
// from the log, and the online detector that turns a long gap into `care_alert` / `care_ok`.
// No thread, no I/O, no clock: the app layer feeds records and the time.
#pragma once

#include "store/store_types.hpp"

#include <array>
#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hearth::proactive {

/// Timestamps outside [0, year 10000) are garbage: the care code ignores records carrying them.
inline constexpr time_ms k_care_max_ts = 253'402'300'800'000;

/// The `care` section of the config (parsed by the app layer).
struct care_settings {
    bool enabled = false;
    std::vector<std::string> devices;  ///< empty = every device whose activity counts (see counts_as_activity)
    int min_gap_min = 180;             ///< the floor: never alert before this much inactivity
    std::optional<std::pair<int, int>> quiet_hours;  ///< local [from_s, to_s) (may wrap midnight): never alert inside
    int learn_days = 28;                             ///< history used to learn (clamped to 1..366)
    int min_learn_days = 7;  ///< below this much history, only the floor applies (the status says so)
};

/// True when this record shows someone is active (docs/proactive.md, "What counts as activity"):
/// a command from a person (source mqtt or hearthctl, never rule/internal/unknown); a state change
/// of `on` (either way), `contact`/`open`/`door`/`window` (either way), `motion`/`occupancy`/
/// `presence` (true only), `lock_state` (locked/unlocked/unlatched/open), `operational_state`
/// "running"; an event motion, lock_operation or a button push. Readings, alarms, machine states
/// and anything malformed are not. With `settings.devices` non-empty only those devices count.
/// Stateless; care_activity_filter adds the automation-echo rule.
bool counts_as_activity(const activity_record& record, const care_settings& settings);

/// counts_as_activity plus one stateful rule: a state change of a device within
/// k_echo_window_ms after a rule or internal command to that device is the automation's echo, not
/// a person. Feed records oldest first. Memory is bounded (at most k_max_devices remembered).
class care_activity_filter {
public:
    static constexpr time_ms k_echo_window_ms = 60'000;
    static constexpr std::size_t k_max_devices = 4096;
    explicit care_activity_filter(care_settings settings) : settings_(std::move(settings)) {}
    /// True when `record` counts as the resident's activity.
    bool accept(const activity_record& record);

private:
    care_settings settings_;
    std::map<std::string, time_ms> automation_command_at_;
};

/// The learned model: per local hour of the week, how long inactivity normally lasts there.
struct care_model {
    std::array<int, 168> threshold_s{};    ///< alert when the gap in progress exceeds this at that hour of week
    std::array<int, 168> typical_gap_s{};  ///< the robust high quantile of the learned gaps (before margin/floor)
    std::array<int, 168> samples{};        ///< how many learned days the hour's statistic rests on
    int days_learned = 0;                  ///< local days with enough data
    std::size_t activities = 0;            ///< records that counted as activity
    time_ms from = 0, to = 0;              ///< the history learned from
    int floor_s = 0;                       ///< the floor applied (min_gap_min)
    int min_learn_days = 0;                ///< below this many days the floor alone applies
    /// True when the thresholds are the floor alone (too little history).
    bool floor_only() const { return days_learned < min_learn_days; }
    /// What the threshold at `hour_of_week` rests on (0..167; other values are clamped).
    nlohmann::json explain(int hour_of_week) const;
    /// The model's summary (days, activities, range, basis) for the status.
    nlohmann::json summary() const;
};

/// Learns from activity records (streamed oldest first) of [from, to). Not thread-safe; one use.
class care_learner {
public:
    /// Shift tolerance: each hour's statistic covers the gaps of [hour - J, hour + 1 h + J).
    static constexpr time_ms k_shift_ms = time_ms{60} * 60'000;
    /// Gaps longer than this are absence (away, hub down): the hours they touch are not learned.
    static constexpr time_ms k_absent_ms = 20 * ms_per_hour;
    /// threshold = max(floor, typical × k_margin_factor + k_margin_add_s).
    static constexpr double k_margin_factor = 1.2;
    static constexpr int k_margin_add_s = 30 * 60;

    explicit care_learner(const care_settings& settings, time_ms from, time_ms to);
    /// Adds one record; records out of [from, to), older than the last one or not activity are ignored.
    void add(const activity_record& record);
    /// The model (call once).
    care_model finish();

private:
    struct hour_window {
        time_ms start = 0, end = 0;  ///< the local hour
        int day = 0;                 ///< index of its local day
        int hour_of_week = 0;
        int max_gap_s = -1;  ///< longest gap in progress seen in the extended window; -1 = none yet
        bool excluded = false;
    };
    void add_gap(time_ms from_ts, time_ms to_ts);

    care_settings settings_;
    care_activity_filter filter_;
    time_ms from_, to_;
    std::vector<hour_window> windows_;
    std::size_t next_window_ = 0;  ///< first window whose extended end is after the last activity
    std::optional<time_ms> last_;
    std::size_t activities_ = 0;
};

/// A change of the alert state: the event to publish on the bridge.
struct care_transition {
    enum class kind { alert, ok } what;
    /// {"type":"care_alert"|"care_ok", "since", "inactive_min", "threshold_min", "hour_of_week",
    ///  "rests_on", "last_activity": {"device","name"} | null, "ts"}
    nlohmann::json event;
};

/// Online detector. Loop-thread only (the app's care service owns it); time is injected.
class care_monitor {
public:
    care_monitor(care_settings settings, care_model model);
    /// Replaces the model (daily relearning); the alert state is kept.
    void set_model(care_model model);
    /// Filters with care_activity_filter; a newer activity during an alert makes the next tick() say ok.
    void on_activity(const activity_record& record);
    /// Alert once when the gap in progress reaches the threshold of the current local hour of week
    /// (never in quiet hours, never before min_gap_min); ok once when activity resumes after an alert.
    /// Without any activity seen, the gap counts from the first tick (monitoring start).
    std::optional<care_transition> tick(time_ms now);
    /// When tick() should next be called to be on time: > now unless a transition is due now, and at
    /// most the next local hour boundary.
    time_ms next_check(time_ms now) const;
    /// For a `care_status` request: enabled, last activity, gap, current threshold, alerting, model.
    nlohmann::json status(time_ms now) const;

private:
    int threshold_at(time_ms t) const;
    bool in_quiet_hours(time_ms t) const;
    nlohmann::json last_activity_json() const;

    care_settings settings_;
    care_model model_;
    care_activity_filter filter_;
    std::optional<time_ms> baseline_;  ///< the first tick, when no activity was seen yet
    std::optional<time_ms> last_ts_;
    std::string last_device_, last_name_;
    bool alerting_ = false;
    bool ok_due_ = false;
    time_ms alert_since_ = 0;  ///< the `since` of the episode in alert
    time_ms alert_ts_ = 0;
    int alert_hour_ = 0;
    int alert_threshold_s_ = 0;
};

}  // namespace hearth::proactive
