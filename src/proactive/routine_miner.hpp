// The routine miner (docs/proactive.md, "Routine mining"): finds time routines (the same action at
// a similar local time on most days of a weekday class) and sequences (an action that follows a
// state change or an event within a short window) in the activity log. Pure and single-threaded:
// records in, findings out; memory is bounded by interned strings and compact rows.
#pragma once

#include "core/device_model.hpp"
#include "store/store_types.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace hearth::proactive {

/// Thresholds and bounds of the miner; the defaults are tuned on the household simulator
/// (tests/unit/proactive/household_sim.cpp) and documented in docs/proactive.md.
struct miner_options {
    int min_days = 8;                       ///< a time routine needs the action on at least this many days
    double min_confidence = 0.7;            ///< days with the action near its time / days of the class
    int time_tolerance_min = 30;            ///< "similar time of day": within ± this of the routine's time
    int sequence_window_s = 120;            ///< B must follow A within this
    int min_sequence_support = 8;           ///< A followed by B at least this often
    double min_sequence_confidence = 0.75;  ///< A followed by B / occurrences of A
    std::size_t max_records = 2'000'000;    ///< memory bound: records past it are counted and ignored
    int max_examples = 5;                   ///< newest occurrences kept as examples per finding
    double min_time_lift = 4.0;  ///< share of the action's occurrences near its time / share of the day that window is
    double min_sequence_lift = 5.0;     ///< confidence / chance that B falls in any window of that length
    int caused_by_command_s = 10;       ///< a state change this soon after a command to the device is its effect
    std::size_t max_value_bytes = 512;  ///< a record whose value serialises longer is ignored (garbage)
};

/// Which days a time routine holds on (local weekdays: Monday–Friday; weekend: Saturday, Sunday).
enum class day_class { every_day, weekdays, weekend };

/// "every_day" | "weekdays" | "weekend".
const char* to_string(day_class days) noexcept;

/// A command as a rule would send it: "set" with {"on": true}, or a declared command and params.
struct action_key {
    std::string device;
    std::string command;
    nlohmann::json params;
};

/// A state change to `value` (kind state, name = property) or an event (kind event, name = event
/// type, value = the payload's identifying text/boolean fields as an object, or null).
struct trigger_key {
    std::string device;
    activity_kind kind = activity_kind::state;
    std::string name;
    nlohmann::json value;
};

/// The same action at about the same local time on most days of a class.
struct time_routine {
    action_key action;
    day_class days = day_class::every_day;
    int at_s = 0;      ///< local seconds of day: the median of the day's nearest occurrences
    int spread_s = 0;  ///< median absolute deviation of those occurrences from at_s
    int support_days = 0;
    int class_days = 0;
    double confidence = 0;
    std::vector<time_ms> examples;  ///< newest first
};

/// An action that follows a trigger within a window on most of the trigger's occurrences.
struct sequence_routine {
    trigger_key trigger;
    action_key action;
    int within_s = 0;  ///< the longest delay seen between trigger and action (≤ the window)
    int support = 0;   ///< trigger occurrences followed by the action
    int trigger_count = 0;
    double confidence = 0;
    double lift = 0;                ///< confidence / the action's base rate in such a window
    std::vector<time_ms> examples;  ///< trigger times, newest first
};

struct mined_routines {
    std::vector<time_routine> time;
    std::vector<sequence_routine> sequences;
    time_ms from = 0, to = 0;
    std::size_t records = 0;  ///< records passed to add()
    std::size_t ignored = 0;  ///< of those, not kept (past max_records, unusable, too large)
};

namespace detail {
/// Interns strings to 16-bit ids; full at 65,535 distinct strings.
class string_pool {
public:
    static constexpr std::uint16_t full = 0xFFFF;
    /// The id of `text`, or `full` when the pool is full.
    std::uint16_t intern(const std::string& text);
    [[nodiscard]] const std::string& text(std::uint16_t id) const { return texts_[id]; }
    [[nodiscard]] std::size_t size() const { return texts_.size(); }

private:
    std::unordered_map<std::string, std::uint16_t> ids_;
    std::vector<std::string> texts_;
};
}  // namespace detail

/// Feed the activity log, then finish(). Not thread-safe; one instance per mining job.
class routine_miner {
public:
    explicit routine_miner(miner_options options = {});
    /// Feed records oldest first (as store::read_activity streams them). Any record is accepted:
    /// unusable ones (empty names, values too large, past max_records) are counted as ignored.
    void add(const activity_record& record);
    /// Finds the routines in [from, to) using the descriptors (unknown devices are skipped).
    /// Time routines count only local days that lie wholly in [from, to).
    mined_routines finish(const std::map<std::string, device_descriptor>& devices, time_ms from, time_ms to);

    /// One compact record (16 bytes): seconds since the epoch, interned strings.
    struct row {
        std::int64_t ts_s;
        std::uint16_t device;
        std::uint16_t name;
        std::uint16_t value;
        std::uint8_t kind;
        std::uint8_t source;  ///< 0 user command, 1 other command, 2 device
    };

private:
    miner_options options_;
    std::vector<row> rows_;
    detail::string_pool devices_, names_, values_;
    std::size_t records_ = 0;
    std::size_t ignored_ = 0;
};

}  // namespace hearth::proactive
