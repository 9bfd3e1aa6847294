// Plain value types of the store's public API: open options, the open/health report, records
// passed in and out (devices, audit, rules, timers, traces, history points) and stats. No logic.
#pragma once

#include "store/energy_accumulator.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

/// Milliseconds since the Unix epoch. The store never reads a clock: every time is passed in.
using time_ms = std::int64_t;

inline constexpr time_ms ms_per_hour = 3'600'000;
inline constexpr time_ms ms_per_day = 24 * ms_per_hour;

/// One schema step: applied in its own transaction, then PRAGMA user_version = version.
struct migration {
    int version = 0;
    std::string name;
    std::string sql;  ///< parameterless DDL/DML script
};

/// Options for store::open. All durations are in days, sizes in bytes.
struct store_options {
    int history_days = 10;                             ///< raw state history kept this long
    std::map<std::string, int> property_history_days;  ///< overrides: "<property>" or "<device>.<property>" (wins)
    int downsampled_days = 365;                        ///< hourly min/max/mean rows kept this long
    int events_days = 30;                              ///< device events kept this long
    int activity_days = 90;                            ///< activity log (routines, care) kept this long
    int audit_days = 365;                              ///< audit log kept this long (0 = forever)
    std::uint64_t size_budget_bytes = 0;               ///< 0 = unlimited; else purge oldest history first
    std::filesystem::path backup_dir;                  ///< empty = no backups, no restore on corruption
    int backups_hourly = 24;                           ///< newest backup of each of the newest N hours
    int backups_daily = 7;                             ///< newest backup of each of the newest N days
    int traces_per_rule = 20;                          ///< rule traces kept per rule (newest)
    bool quick_check_always = true;           ///< run PRAGMA quick_check at every open, not only after an unclean stop
    bool last_stop_unclean = false;           ///< caller knows the last stop was unclean: force quick_check
    std::vector<migration> extra_migrations;  ///< test hook: steps appended after the built-in ones
    std::filesystem::path audit_checkpoint_file;  ///< empty = "<database>.audit-checkpoints"
    int audit_checkpoint_every = 100;             ///< audit rows between checkpoints (0 = only at close)
    int energy_hourly_days = 730;                 ///< hourly energy buckets kept this long, then rolled up into days
    energy_rules energy;                          ///< accounting rules (docs/energy.md)
};

/// What open() found and did. `recovered` is true iff the database file was replaced.
struct open_report {
    bool recovered = false;
    std::filesystem::path moved_aside_to;  ///< where the corrupt file went (empty if none)
    std::filesystem::path restored_from;   ///< backup used (empty if none / new empty DB)
    bool previous_stop_clean = true;       ///< false if the last session did not close() cleanly
    bool quick_check_ran = false;
    int schema_from = 0;  ///< user_version found on disk (0 = new file)
    int schema_to = 0;    ///< user_version after migrations
    std::string message;  ///< human-readable summary; non-empty whenever something notable happened
};

struct device_record {
    std::string id;
    std::string driver;
    nlohmann::json descriptor;
    time_ms updated_at = 0;
};

/// One audit entry. `detail` must never contain secrets (PINs, tokens): the caller redacts.
struct audit_record {
    std::int64_t id = 0;  ///< assigned by append_audit
    time_ms ts = 0;
    std::string actor;   ///< who (user, client id, "rule:<id>")
    std::string source;  ///< where from (mqtt, hearthctl, rule, ...)
    std::string action;  ///< e.g. "lock.unlock"
    std::string target;  ///< e.g. device id
    std::string result;  ///< e.g. "ok", "denied", "error"
    nlohmann::json detail = nlohmann::json::object();
};

/// Wrong-code state of one lock (see core/lock_store.hpp).
struct lock_counter_record {
    std::string device_id;
    int wrong = 0;
    time_ms last_wrong_ts = 0;
    time_ms locked_out_until = 0;
};

/// A pending auto-relock ("relock") or 'left unlocked' alarm ("left_unlocked").
struct lock_timer_record {
    std::string device_id;
    std::string kind;
    time_ms due_ts = 0;
};

struct event_record {
    std::string device_id;
    std::string event_type;
    nlohmann::json payload;
    time_ms ts = 0;
};

/// What an activity-log entry records (docs/proactive.md, "Activity log").
enum class activity_kind { command, state, event };

/// One entry of the activity log: a command sent to a device, a change of a discrete (boolean or
/// text) property, or a device event. The routine miner and the care monitor read only this log,
/// which is kept `activity_days` (longer than raw history) and holds no secret (no lock PIN).
struct activity_record {
    time_ms ts = 0;
    std::string device_id;
    activity_kind kind = activity_kind::state;
    std::string name;      ///< command name ("set" too), property, or event type
    nlohmann::json value;  ///< command params, the property's new value, or the event's payload
    std::string source;    ///< command: mqtt | hearthctl | rule | internal; state and event: "device"
};

/// "command" | "state" | "event".
const char* to_string(activity_kind kind) noexcept;
/// The kind named by `text`; nullopt if it names none.
std::optional<activity_kind> activity_kind_from(std::string_view text) noexcept;

/// A scene or automation definition loaded from a scene file.
struct rule_record {
    std::string id;
    std::string kind;  ///< "scene" or "automation"
    std::string source_file;
    nlohmann::json definition;
    bool enabled = true;
    time_ms updated_at = 0;
};

struct pending_timer {
    std::string rule_id;
    std::string run_id;
    time_ms due_ts = 0;
    nlohmann::json payload;
};

struct rule_trace {
    std::string rule_id;
    std::string run_id;
    time_ms ts = 0;
    nlohmann::json trace;
};

/// One point of history. Raw points have count == 1 and min == max == value (if numeric);
/// downsampled points cover [ts, ts + 1h) with value = mean.
struct history_point {
    time_ms ts = 0;
    nlohmann::json value;
    bool downsampled = false;
    double min = 0, max = 0;
    std::int64_t count = 1;
};

/// Consumption of one device over [ts, ts + span_ms): an hour, or a UTC day past the hourly
/// retention. `source` says how it was measured (meter readings or integrated power).
struct energy_bucket {
    std::string device_id;
    time_ms ts = 0;
    time_ms span_ms = ms_per_hour;
    double kwh = 0;
    energy_source source = energy_source::meter;
};

struct backup_info {
    std::filesystem::path path;
    time_ms ts = 0;
};

struct store_stats {
    std::uint64_t db_bytes = 0;    ///< main file size on disk
    std::uint64_t wal_bytes = 0;   ///< -wal file size on disk (0 if absent)
    std::uint64_t used_bytes = 0;  ///< (page_count - freelist_count) * page_size
    std::uint64_t free_pages = 0;
    std::map<std::string, std::int64_t> rows;  ///< table -> row count
    std::size_t queued_state = 0;              ///< state rows waiting for flush()
    std::optional<backup_info> last_backup;
    int schema_version = 0;
};

/// One message of the uplink outbox (docs/community.md, "Store-and-forward").
struct outbox_row {
    std::int64_t id = 0;
    std::string kind;     ///< the up topic's last level: alarm, care_alert, lock_event, health, ...
    int priority = 0;     ///< outbox_priority
    time_ms ts = 0;       ///< when it was queued
    std::string payload;  ///< the envelope exactly as it is sent
};

/// Outbox priorities: over its bounds the outbox drops the oldest low rows, then the oldest
/// normal ones; alarm rows are never dropped.
enum outbox_priority : int { outbox_low = 0, outbox_normal = 1, outbox_alarm = 2 };

/// The outbox's size bounds (0 = unbounded).
struct outbox_bounds {
    std::int64_t max_messages = 0;
    std::int64_t max_bytes = 0;
};

/// What outbox_append() did.
struct outbox_append_result {
    std::int64_t id = 0;       ///< the new row
    std::int64_t dropped = 0;  ///< rows dropped to keep the bounds
};

/// The outbox's size now.
struct outbox_size {
    std::int64_t messages = 0;
    std::int64_t bytes = 0;
};

}  // namespace hearth
