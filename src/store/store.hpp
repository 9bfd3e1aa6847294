// `hearth::store`: Hearth's only database (SQLite, WAL). Holds devices, current state (restored at
// start), raw + hourly-downsampled history, events, the append-only audit log, scenes/automations,
// pending rule timers, rule traces, discovery hashes and meta. State writes are buffered in memory
// and written by flush() in one transaction; audit records are committed durably
// (synchronous=FULL) before append_audit returns. Retention is incremental (purge_step) and the
// store never reads a clock: every time is a parameter (ms since epoch).
//
// Threading: NOT thread-safe. Every member must be called from one thread (the core's loop thread).
// Errors: every member may throw sqlite::error (message from SQLite) unless noted otherwise.
#pragma once

#include "store/audit_chain.hpp"
#include "store/checkpointer.hpp"
#include "store/energy_changes.hpp"
#include "store/sqlite.hpp"
#include "store/store_types.hpp"

#include <filesystem>
#include <functional>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hearth {

class store {
public:
    /// Open (or create) the database at `path`, check health, migrate, and return the store.
    /// Health: PRAGMA quick_check runs if options.quick_check_always, options.last_stop_unclean, or
    /// the previous session did not close() cleanly. A corrupt / non-database file is moved aside to
    /// `<path>.corrupt-<now>` (with -wal/-shm), then the newest backup in options.backup_dir that
    /// passes quick_check is restored, else a new empty DB is created; report() says which.
    /// Throws store_schema::schema_too_new (file untouched) or store_schema::migration_failed (file
    /// left at its previous version). `now` names the moved-aside file; no clock is read.
    static std::unique_ptr<store> open(const std::filesystem::path& path, store_options options, time_ms now);

    /// Flushes queued state and marks the session clean; errors are logged, never thrown.
    ~store();
    store(const store&) = delete;
    store& operator=(const store&) = delete;

    /// What open() found and did (recovery, migrations, clean-stop flag).
    const open_report& report() const noexcept { return report_; }
    /// Flush, mark the session as cleanly stopped and checkpoint the WAL. Idempotent.
    void close();

    // --- devices ---------------------------------------------------------------------------
    /// Insert or replace a device row (one autocommit transaction).
    void upsert_device(const device_record& device);
    /// Delete a device with its current state and discovery hash; history ages out normally.
    /// Returns false if no such device.
    bool remove_device(const std::string& device_id);
    /// All devices, ordered by id.
    std::vector<device_record> load_devices();

    // --- state, history, events (buffered) ---------------------------------------------------
    /// Queue one state value (memory only). Current state keeps the newest ts per (device,
    /// property); every queued value also becomes a history row (numbers as REAL, else JSON).
    /// If flush() keeps failing, the queue is capped at 200k rows (oldest half dropped, logged).
    void queue_state(const std::string& device_id, const std::string& property, const nlohmann::json& value,
                     time_ms ts);
    /// Queue a device event; written by the next flush().
    void append_event(const event_record& event);
    /// Queue an activity-log entry (docs/proactive.md); written by the next flush(), after the
    /// queued events.
    void append_activity(activity_record record);
    /// Calls `each` for every activity entry with from_ts <= ts < to_ts on a connection from
    /// open_reader(), oldest first (ties in insertion order), until `each` returns false. Entries
    /// whose stored value is not JSON come with a null value. Returns the entries passed.
    static std::size_t read_activity(sqlite::db& reader, time_ms from_ts, time_ms to_ts,
                                     const std::function<bool(const activity_record&)>& each);
    /// Write the queued state, history and event rows, oldest first, at most `max_rows` of them,
    /// in ONE transaction (synchronous=NORMAL: durable against process crashes; the last ~second
    /// may be lost on power loss). The rest stay queued, so a caller on the event loop can write a
    /// large backlog in slices without stalling it. On failure the queue is kept for the next call
    /// and the error is thrown. Returns rows written.
    std::size_t flush(std::size_t max_rows = static_cast<std::size_t>(-1));
    /// Number of queued (unflushed) state + event rows.
    std::size_t queued() const noexcept { return history_queue_.size() + event_queue_.size() + activity_queue_.size(); }
    /// Current state for restore at start: device id -> {property: value}. Flushed rows only.
    std::map<std::string, nlohmann::json> load_current_state();
    /// History of one property in [from_ts, to_ts], oldest first, at most `limit` points: hourly
    /// downsampled rows (older data) followed by raw rows; an hour with both yields both.
    std::vector<history_point> query_history(const std::string& device_id, const std::string& property, time_ms from_ts,
                                             time_ms to_ts, std::size_t limit);
    /// query_history() on a read-only connection of its own to the database at `path`: safe on
    /// any thread while the store's owner keeps writing (WAL readers never block the writer).
    /// Sees what was committed (flushed) when it starts.
    static std::vector<history_point> read_history(const std::filesystem::path& path, const std::string& device_id,
                                                   const std::string& property, time_ms from_ts, time_ms to_ts,
                                                   std::size_t limit);
    /// Where the database file is.
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    /// Events in [from_ts, to_ts] (all devices if device_id is empty), oldest first.
    std::vector<event_record> query_events(const std::string& device_id, time_ms from_ts, time_ms to_ts,
                                           std::size_t limit);

    // --- energy (store_energy.cpp, docs/energy.md) ------------------------------------------
    /// Buckets overlapping [from_ts, to_ts) (all devices if device_id is empty), ordered by device
    /// then time: daily rows (older than the hourly retention) then hourly rows. Flushed data only.
    std::vector<energy_bucket> query_energy(const std::string& device_id, time_ms from_ts, time_ms to_ts);
    /// query_energy() on a read-only connection of its own (safe on any thread, like read_history).
    static std::vector<energy_bucket> read_energy(const std::filesystem::path& path, const std::string& device_id,
                                                  time_ms from_ts, time_ms to_ts);
    /// A read-only connection to the database at `path` for read_energy() (busy_timeout set):
    /// for a thread that asks many questions in a row, like the energy answer cache.
    static sqlite::db open_reader(const std::filesystem::path& path);
    /// query_energy() on a connection from open_reader().
    static std::vector<energy_bucket> read_energy(sqlite::db& reader, const std::string& device_id, time_ms from_ts,
                                                  time_ms to_ts);
    /// Every device that has an energy track, with its source.
    std::map<std::string, energy_source> energy_devices();
    /// The UTC days whose buckets this store committed, with when (for the query thread's answer
    /// cache; shared, thread-safe, outlives the store if held).
    [[nodiscard]] std::shared_ptr<const energy_change_log> energy_changes() const { return energy_changes_; }

    // --- audit (durable) ---------------------------------------------------------------------
    /// Append one audit record and commit it with synchronous=FULL before returning, independent
    /// of queued state. Returns the assigned id. Only after this returns may the core acknowledge
    /// the audited action. Never updated afterwards (a trigger refuses UPDATE).
    std::int64_t append_audit(const audit_record& record);
    /// Newest-first audit records with id < before_id (0 = from the newest), at most `limit`.
    std::vector<audit_record> list_audit(std::size_t limit, std::int64_t before_id = 0);
    /// Appends the newest audit row's id and hash to the checkpoint file and the log (done every
    /// audit_checkpoint_every rows and at close). No-op when nothing new since the last one.
    void checkpoint_audit();
    /// Checks the audit hash chain and the checkpoint file (store/audit_chain.hpp).
    audit_verify_result verify_audit();
    /// Where audit checkpoints go (store_options::audit_checkpoint_file, or "<db>.audit-checkpoints").
    [[nodiscard]] std::filesystem::path audit_checkpoint_file() const;

    // --- lock safety state (store_locks.cpp) -----------------------------------------------
    /// Every lock's wrong-code counters.
    std::vector<lock_counter_record> load_lock_counters();
    /// Replace one lock's counters, committed with synchronous=FULL before returning.
    void save_lock_counters(const lock_counter_record& record);
    std::vector<lock_timer_record> load_lock_timers();
    /// Insert or replace a pending lock timer (by device and kind), committed before returning.
    void save_lock_timer(const lock_timer_record& record);
    void remove_lock_timer(const std::string& device_id, const std::string& kind);
    /// Audit rows with result "attempt" and id > meta lock_attempts_checked that have no later
    /// row (same target, same detail.op) with another result; then advances that mark to the
    /// newest audit id, so each is returned once (the caller records their outcome).
    std::vector<audit_record> take_open_lock_attempts();

    // --- rules and scenes ----------------------------------------------------------------------
    /// Insert or update (by id) without deleting: its timers and traces are kept.
    void upsert_rule(const rule_record& rule);
    /// Delete a rule; its pending timers and traces are deleted with it (FK cascade).
    bool remove_rule(const std::string& rule_id);
    bool set_rule_enabled(const std::string& rule_id, bool enabled, time_ms now);
    std::vector<rule_record> load_rules();

    // --- pending rule timers -------------------------------------------------------------------
    /// Insert or replace a timer. Precondition: the rule exists (else throws, FK).
    void upsert_timer(const pending_timer& timer);
    bool remove_timer(const std::string& rule_id, const std::string& run_id);
    /// All timers ordered by due_ts.
    std::vector<pending_timer> load_timers();

    // --- rule traces -----------------------------------------------------------------------------
    /// Append a trace and keep only the newest options.traces_per_rule for that rule.
    /// Precondition: the rule exists (else throws, FK).
    void append_trace(const rule_trace& trace);
    /// Newest-first traces of one rule.
    std::vector<rule_trace> list_traces(const std::string& rule_id, std::size_t limit);

    // --- user-set device names ------------------------------------------------------------------
    /// Records the name a user gave a device (device/rename); it wins over the driver's name.
    void set_user_name(const std::string& device_id, const std::string& name, time_ms ts);
    /// Every user-set name: device id -> name.
    std::map<std::string, std::string> load_user_names();

    // --- discovery hashes and meta ---------------------------------------------------------
    std::optional<std::string> discovery_hash(const std::string& device_id);
    /// Precondition: the device exists (else throws, FK).
    void set_discovery_hash(const std::string& device_id, const std::string& hash);
    std::optional<std::string> meta(const std::string& key);
    void set_meta(const std::string& key, const std::string& value);

    // --- uplink outbox (store_outbox.cpp) -------------------------------------------------------
    /// The random 64-bit hex id of this database (meta "uplink_boot"), made on first use: the
    /// <boot> of the uplink's message ids.
    std::string outbox_boot_id();
    /// Appends one row whose payload is `make_payload(id)` (the envelope names its row id) and
    /// commits it at once: with synchronous=FULL for an alarm row, so it is on disk before it can
    /// be sent. Then keeps `bounds` by deleting the oldest low rows, then the oldest normal ones;
    /// alarm rows are never deleted (an outbox of alarms only may exceed the bounds).
    outbox_append_result outbox_append(const std::string& kind, int priority, time_ms ts,
                                       const std::function<std::string(std::int64_t id)>& make_payload,
                                       outbox_bounds bounds);
    /// Up to `limit` rows, alarms first, then normal, then low, oldest first within each, skipping
    /// the ids in `skip` (in flight).
    std::vector<outbox_row> outbox_next(std::size_t limit, const std::set<std::int64_t>& skip);
    /// Deletes a row (delivered); false when it was already gone.
    bool outbox_remove(std::int64_t id);
    /// Rows and payload bytes in the outbox.
    outbox_size outbox_stats();

    // --- retention ---------------------------------------------------------------------------
    /// Do at most ~`budget` row deletions of retention work and return true if more remains:
    /// downsample + delete raw history past its retention, delete expired hourly rows, events and
    /// audit, enforce the size budget (oldest raw history first, then oldest events), then
    /// `PRAGMA incremental_vacuum` a bounded number of pages. Call repeatedly on a timer.
    bool purge_step(time_ms now, std::size_t budget);

    // --- backups and health --------------------------------------------------------------------
    /// Take an online backup into options.backup_dir (sqlite3 backup API, in steps of 256 pages
    /// within this call; temp name, fsync, rename, fsync dir), then rotate. Flushes first.
    /// Returns the backup path. Throws std::logic_error if no backup_dir was configured.
    std::filesystem::path backup_now(time_ms now);
    /// The copy step of backup_now() on a connection of its own: safe to call from another thread
    /// while this store keeps writing (WAL readers never block the writer). The caller flushes
    /// first and hands the result to record_backup() on the store's thread.
    backup_info copy_backup(time_ms now) const;
    /// Remember `info` as the newest backup and rotate old ones (the store's thread).
    void record_backup(const backup_info& info);
    /// Newest backup known (found at open or taken since).
    std::optional<backup_info> last_backup() const { return last_backup_; }
    /// Sizes, last backup and — when `count_rows` — row counts per table. Counting scans every
    /// table (seconds on a multi-million-row database): the health request passes false.
    store_stats stats(bool count_rows = true);
    /// Run PRAGMA quick_check; returns "ok" or the first problems reported.
    std::string quick_check();

private:
    store(std::filesystem::path path, store_options options, sqlite::db conn);
    static std::vector<history_point> query_history_on(sqlite::db& db, const std::string& device_id,
                                                       const std::string& property, time_ms from_ts, time_ms to_ts,
                                                       std::size_t limit);
    sqlite::statement& cached(const char* sql);
    void configure_connection();
    bool downsample_and_delete(sqlite::statement& select, std::size_t& budget);
    bool delete_batch(const char* sql, time_ms cutoff, std::size_t& budget);
    bool enforce_size_budget(std::size_t& budget);
    void load_energy_tracks();
    /// Writes dirty tracks and pending buckets; call inside the flush transaction.
    void write_energy();
    /// Hourly buckets past energy_hourly_days folded into daily rows; bounded by `budget`.
    bool roll_up_energy(time_ms now, std::size_t& budget);
    static std::vector<energy_bucket> query_energy_on(sqlite::db& db, const std::string& device_id, time_ms from_ts,
                                                      time_ms to_ts);
    std::uint64_t used_bytes();

    struct queued_value {
        std::string device_id;
        std::string property;
        nlohmann::json value;
        time_ms ts;
    };

    std::filesystem::path path_;
    struct audit_tip {
        std::int64_t id = 0;
        std::string hash;
        std::int64_t ts = 0;
    } last_audit_;                            ///< the newest row this store appended
    std::int64_t checkpointed_audit_id_ = 0;  ///< the last row written to the checkpoint file
    store_options options_;
    sqlite::db db_;
    std::unique_ptr<checkpointer> checkpointer_;  ///< after db_: stops before the connection closes
    open_report report_;
    std::map<std::string, sqlite::statement> statements_;
    std::deque<queued_value> history_queue_;
    /// Newest queued value per (device, property): current_state is upserted once per key when
    /// the history backlog is written out, not once per history row.
    std::map<std::pair<std::string, std::string>, std::pair<nlohmann::json, time_ms>> current_pending_;
    unsigned slices_since_current_ = 0;
    std::deque<event_record> event_queue_;
    std::deque<activity_record> activity_queue_;
    energy_accumulator energy_;
    std::map<std::string, std::int64_t> energy_dev_;  ///< device id -> energy_devices.dev
    std::set<std::int64_t> energy_days_written_;      ///< UTC days the open transaction wrote buckets for
    std::shared_ptr<energy_change_log> energy_changes_ = std::make_shared<energy_change_log>();
    std::optional<backup_info> last_backup_;
    std::optional<outbox_size> outbox_size_;  ///< counted on first use, then kept up to date
    bool closed_ = true;                      ///< true until open() completes, and after close()
};

}  // namespace hearth
