// Schema history of the store. Append new steps at the end; never edit a released step.
// v1: core tables (meta, devices, current state, raw history, events, audit).
// v2: rules/scenes, pending rule timers, rule traces, discovery hashes.
// v3: hourly downsampled history; per-property history index for retention.
// v4: lock safety state: wrong-code counters/lockouts and pending auto-relock/alarm timers.
// v5: user-set device names (device/rename), kept across restarts and driver re-registration.
// v6: audit hash chain.
// v7: energy accounting (docs/energy.md): per-device tracks, hourly and daily consumption buckets.
#include "store/schema.hpp"

#include "log/log.hpp"

#include <string>

namespace hearth::store_schema {
namespace {

constexpr const char* k_v1 = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  driver TEXT NOT NULL,
  descriptor TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE current_state (
  device_id TEXT NOT NULL,
  property TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (device_id, property)
) WITHOUT ROWID;
CREATE TABLE state_history (
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  property TEXT NOT NULL,
  value_num REAL,
  value_json TEXT,
  ts INTEGER NOT NULL
);
CREATE INDEX state_history_by_key ON state_history (device_id, property, ts);
CREATE INDEX state_history_by_ts ON state_history (ts);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  ts INTEGER NOT NULL
);
CREATE INDEX events_by_ts ON events (ts);
CREATE INDEX events_by_device ON events (device_id, ts);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts INTEGER NOT NULL,
  actor TEXT NOT NULL,
  source TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  result TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX audit_by_ts ON audit_log (ts);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql";

constexpr const char* k_v2 = R"sql(
CREATE TABLE rules (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('scene', 'automation')),
  source_file TEXT NOT NULL,
  definition TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
);
CREATE TABLE pending_timers (
  rule_id TEXT NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
  run_id TEXT NOT NULL,
  due_ts INTEGER NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (rule_id, run_id)
);
CREATE INDEX pending_timers_by_due ON pending_timers (due_ts);
CREATE TABLE rule_traces (
  id INTEGER PRIMARY KEY,
  rule_id TEXT NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
  run_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  trace TEXT NOT NULL
);
CREATE INDEX rule_traces_by_rule ON rule_traces (rule_id, id);
CREATE TABLE discovery_hashes (
  device_id TEXT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  hash TEXT NOT NULL
);
)sql";

constexpr const char* k_v3 = R"sql(
CREATE TABLE history_hourly (
  device_id TEXT NOT NULL,
  property TEXT NOT NULL,
  hour_ts INTEGER NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  mean REAL NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (device_id, property, hour_ts)
) WITHOUT ROWID;
CREATE INDEX history_hourly_by_ts ON history_hourly (hour_ts);
CREATE INDEX state_history_by_property ON state_history (property, ts);
)sql";

constexpr const char* k_v4 = R"sql(
CREATE TABLE lock_counters (
  device_id TEXT PRIMARY KEY,
  wrong INTEGER NOT NULL,
  last_wrong_ts INTEGER NOT NULL,
  locked_out_until INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE lock_timers (
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('relock', 'left_unlocked')),
  due_ts INTEGER NOT NULL,
  PRIMARY KEY (device_id, kind)
) WITHOUT ROWID;
CREATE INDEX audit_lock_attempts ON audit_log (result, id) WHERE result = 'attempt';
)sql";

constexpr const char* k_v5 = R"sql(
CREATE TABLE device_user_names (
  device_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Tamper-evident audit log (store/audit_chain.hpp): each row's hash chained over the previous one;
// the anchor is where the chain starts after retention removed the oldest rows.
constexpr const char* k_v6 = R"sql(
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE TABLE audit_anchor (
  k INTEGER PRIMARY KEY CHECK (k = 1),
  prev_hash TEXT NOT NULL
);
)sql";

// Energy accounting (docs/energy.md). `dev` is a small integer per device so a bucket row is ~15
// bytes (2 years x 100 devices of hourly rows fit the 30 MB aim); consumption is integer mWh
// (1 kWh = 1,000,000), hours and days count from the Unix epoch; source 0 = meter, 1 = power.
constexpr const char* k_v7 = R"sql(
CREATE TABLE energy_devices (
  dev INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL UNIQUE,
  source INTEGER NOT NULL CHECK (source IN (0, 1)),
  value REAL NOT NULL,
  ts INTEGER NOT NULL,
  pending_jump REAL NOT NULL DEFAULT 0
);
CREATE TABLE energy_hourly (
  dev INTEGER NOT NULL,
  hour INTEGER NOT NULL,
  mwh INTEGER NOT NULL,
  source INTEGER NOT NULL,
  PRIMARY KEY (dev, hour)
) WITHOUT ROWID;
CREATE TABLE energy_daily (
  dev INTEGER NOT NULL,
  day INTEGER NOT NULL,
  mwh INTEGER NOT NULL,
  source INTEGER NOT NULL,
  PRIMARY KEY (dev, day)
) WITHOUT ROWID;
)sql";

// The activity log (docs/proactive.md): commands, discrete state changes and device events, kept
// longer than raw history for the routine miner and the care monitor.
constexpr const char* k_v8 = R"sql(
CREATE TABLE activity (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('command', 'state', 'event')),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE INDEX activity_by_ts ON activity (ts);
)sql";

// The community uplink's durable outbox (docs/community.md, "Store-and-forward"). AUTOINCREMENT:
// a row id is never reused, because it is the <seq> of the message id the community
// de-duplicates on; priority 0 = low, 1 = normal, 2 = alarm (never dropped).
constexpr const char* k_v9 = R"sql(
CREATE TABLE uplink_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  priority INTEGER NOT NULL CHECK (priority IN (0, 1, 2)),
  ts INTEGER NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX uplink_outbox_by_priority ON uplink_outbox (priority DESC, id);
)sql";

}  // namespace

const char* v1_sql() { return k_v1; }

const std::vector<migration>& builtin_migrations() {
    static const std::vector<migration> steps{
        {1, "core tables", k_v1},
        {2, "rules, timers, traces, discovery", k_v2},
        {3, "hourly downsampled history", k_v3},
        {4, "lock counters and timers", k_v4},
        {5, "user-set device names", k_v5},
        {6, "audit hash chain", k_v6},
        {7, "energy accounting", k_v7},
        {8, "activity log", k_v8},
        {9, "uplink outbox", k_v9},
    };
    return steps;
}

migrate_result apply(sqlite::db& conn, const std::vector<migration>& extra) {
    std::vector<const migration*> steps;
    for (const auto& m : builtin_migrations()) steps.push_back(&m);
    for (const auto& m : extra) steps.push_back(&m);
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (steps[i]->version != static_cast<int>(i) + 1) {
            throw std::logic_error("migration list is not consecutive at step " + std::to_string(steps[i]->version));
        }
    }
    const int known = static_cast<int>(steps.size());
    migrate_result result;
    result.from = static_cast<int>(conn.query_int("PRAGMA user_version").value_or(0));
    result.to = result.from;
    if (result.from > known) {
        throw schema_too_new("database schema version " + std::to_string(result.from) +
                             " is newer than this build supports (" + std::to_string(known) +
                             "); refusing to open it. Upgrade hearthd or restore a matching backup.");
    }
    for (int v = result.from + 1; v <= known; ++v) {
        const migration& step = *steps[static_cast<std::size_t>(v - 1)];
        try {
            sqlite::transaction tx(conn);
            conn.exec(step.sql);
            conn.exec("PRAGMA user_version = " + std::to_string(v));
            tx.commit();
        } catch (const sqlite::error& e) {
            if (e.is_corruption()) throw;  // let open() treat it as a corrupt file
            throw migration_failed("migration " + std::to_string(v) + " (" + step.name + ") failed: " + e.what() +
                                       "; database left at version " + std::to_string(v - 1),
                                   v, e.code());
        }
        log::store().info("store: applied migration {} ({})", v, step.name);
        result.to = v;
    }
    return result;
}

}  // namespace hearth::store_schema
