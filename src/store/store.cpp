// store: opening (health check, corruption recovery, migrations, connection pragmas), close,
// devices, buffered state/events with flush(), current-state restore, durable audit, backups and
// stats. Rules/timers/traces/meta live in store_rules.cpp; retention and history in retention.cpp.
#include "store/store.hpp"

#include "store/audit_chain.hpp"

#include "store/backup.hpp"
#include "store/schema.hpp"
#include "log/log.hpp"

#include <algorithm>
#include <system_error>

namespace hearth {
namespace fs = std::filesystem;
namespace {

/// quick_check output joined ("ok" when healthy). Throws sqlite::error for unreadable files.
std::string run_quick_check(sqlite::db& conn) {
    auto stmt = conn.prepare("PRAGMA quick_check(20)");
    std::string result;
    while (stmt.step()) {
        if (!result.empty()) result += "; ";
        result += stmt.column_text(0);
    }
    return result;
}

struct corrupt_database : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Open, read header/meta and quick_check if required. Throws corrupt_database when the file
/// cannot be trusted; other errors propagate.
sqlite::db open_checked(const fs::path& path, const store_options& options, open_report& report) {
    try {
        sqlite::db conn = sqlite::db::open(path);
        conn.exec("PRAGMA busy_timeout = 5000");
        report.schema_from = static_cast<int>(conn.query_int("PRAGMA user_version").value_or(0));
        auto has_meta = conn.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'");
        if (has_meta.value_or(0) > 0) {
            auto state = conn.query_text("SELECT value FROM meta WHERE key = 'open_state'");
            report.previous_stop_clean = !state || *state == "closed";
        }
        if (options.quick_check_always || options.last_stop_unclean || !report.previous_stop_clean) {
            report.quick_check_ran = true;
            std::string check = run_quick_check(conn);
            if (check != "ok") throw corrupt_database("quick_check failed: " + check);
        }
        return conn;
    } catch (const sqlite::error& e) {
        if (e.is_corruption()) throw corrupt_database(e.what());
        throw;
    }
}

/// Move the bad file aside and restore the newest verified backup (if any). Fills `report`.
void recover(const fs::path& path, const store_options& options, time_ms now, const std::string& why,
             open_report& report) {
    report.recovered = true;
    report.moved_aside_to = store_backup::move_aside(path, now);
    std::string restored = "no usable backup; created a new empty database";
    for (const auto& backup : store_backup::list(options.backup_dir)) {
        std::string verdict = store_backup::verify(backup.path);
        if (verdict != "ok") {
            log::store().error("store: backup {} failed verification: {}", backup.path.string(), verdict);
            continue;
        }
        store_backup::copy_durably(backup.path, path);
        report.restored_from = backup.path;
        restored = "restored from backup " + backup.path.string();
        break;
    }
    report.message = "database " + path.string() + " was corrupt (" + why + "); moved aside to " +
                     report.moved_aside_to.string() + "; " + restored;
    log::store().critical("store: {}", report.message);
}

}  // namespace

std::unique_ptr<store> store::open(const fs::path& path, store_options options, time_ms now) {
    open_report report;
    std::optional<sqlite::db> conn;
    try {
        conn.emplace(open_checked(path, options, report));
    } catch (const corrupt_database& e) {
        recover(path, options, now, e.what(), report);
        open_report after;
        conn.emplace(open_checked(path, options, after));  // a second failure propagates
        report.schema_from = after.schema_from;
        report.quick_check_ran = report.quick_check_ran || after.quick_check_ran;
    }
    if (report.schema_from == 0 && conn->query_int("PRAGMA page_count").value_or(0) == 0) {
        conn->exec("PRAGMA auto_vacuum = INCREMENTAL");  // only possible before the first table
    }
    std::unique_ptr<store> result(new store(path, std::move(options), std::move(*conn)));
    // Migrate before switching to WAL so a refused (too new) file is not modified at all;
    // foreign keys stay off during migrations (standard practice for table rebuilds).
    auto migrated = store_schema::apply(result->db_, result->options_.extra_migrations);
    report.schema_to = migrated.to;
    result->configure_connection();
    result->load_energy_tracks();
    if (!report.previous_stop_clean && report.message.empty()) {
        report.message = "previous session did not stop cleanly; quick_check passed";
    }
    result->report_ = std::move(report);
    result->set_meta("open_state", "open");
    auto backups = store_backup::list(result->options_.backup_dir);
    if (!backups.empty()) result->last_backup_ = backups.front();
    result->closed_ = false;
    return result;
}

store::store(fs::path path, store_options options, sqlite::db conn)
    : path_(std::move(path)), options_(std::move(options)), db_(std::move(conn)), energy_(options_.energy) {}

void store::configure_connection() {
    auto mode = db_.query_text("PRAGMA journal_mode = WAL");
    if (!mode || *mode != "wal") {
        throw sqlite::error("could not enable WAL mode (got " + mode.value_or("?") + ")", 0);
    }
    db_.exec(
        "PRAGMA synchronous = NORMAL;"
        "PRAGMA foreign_keys = ON;"
        "PRAGMA journal_size_limit = 8388608;"
        "PRAGMA wal_autocheckpoint = 0;");  // checkpoints run on checkpointer_'s thread
    checkpointer_ = std::make_unique<checkpointer>(path_, std::chrono::seconds(1));
}

store::~store() {
    if (closed_) return;
    try {
        close();
    } catch (const std::exception& e) {
        log::store().error("store: close failed: {}", e.what());
    }
}

void store::close() {
    if (closed_) return;
    flush();
    checkpoint_audit();
    set_meta("open_state", "closed");
    checkpointer_.reset();
    db_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    statements_.clear();
    closed_ = true;
}

sqlite::statement& store::cached(const char* sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) it = statements_.emplace(sql, db_.prepare(sql)).first;
    it->second.reset();
    return it->second;
}

void store::upsert_device(const device_record& device) {
    cached(
        "INSERT INTO devices (id, driver, descriptor, updated_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (id) DO UPDATE SET driver = excluded.driver, "
        "descriptor = excluded.descriptor, updated_at = excluded.updated_at")
        .bind_all(device.id, device.driver, device.descriptor.dump(), device.updated_at)
        .run();
}

bool store::remove_device(const std::string& device_id) {
    sqlite::transaction tx(db_);
    cached("DELETE FROM current_state WHERE device_id = ?1").bind_all(device_id).run();
    cached("DELETE FROM device_user_names WHERE device_id = ?1").bind_all(device_id).run();
    cached("DELETE FROM devices WHERE id = ?1").bind_all(device_id).run();
    bool removed = db_.changes() > 0;
    tx.commit();
    std::erase_if(history_queue_, [&](const queued_value& q) { return q.device_id == device_id; });
    std::erase_if(current_pending_, [&](const auto& kv) { return kv.first.first == device_id; });
    return removed;
}

std::vector<device_record> store::load_devices() {
    auto stmt = db_.prepare("SELECT id, driver, descriptor, updated_at FROM devices ORDER BY id");
    std::vector<device_record> result;
    while (stmt.step()) {
        result.push_back({stmt.column_text(0), stmt.column_text(1), nlohmann::json::parse(stmt.column_text(2)),
                          stmt.column_int64(3)});
    }
    return result;
}

void store::queue_state(const std::string& device_id, const std::string& property, const nlohmann::json& value,
                        time_ms ts) {
    constexpr std::size_t k_max_queued = 200'000;  // bound memory if flush() keeps failing
    if (history_queue_.size() >= k_max_queued) {
        history_queue_.erase(history_queue_.begin(), history_queue_.begin() + k_max_queued / 2);
        log::store().error("store: flush keeps failing; dropped the oldest {} queued state rows", k_max_queued / 2);
    }
    history_queue_.push_back({device_id, property, value, ts});
    if (value.is_number()) energy_.add(device_id, property, value.get<double>(), ts);
    auto& current = current_pending_[{device_id, property}];
    if (ts >= current.second) current = {value, ts};
}

void store::append_event(const event_record& event) { event_queue_.push_back(event); }

void store::append_activity(activity_record record) { activity_queue_.push_back(std::move(record)); }

std::size_t store::flush(std::size_t max_rows) {
    if (history_queue_.empty() && event_queue_.empty() && activity_queue_.empty() && current_pending_.empty()) return 0;
    const std::size_t history_rows = std::min(max_rows, history_queue_.size());
    const std::size_t event_rows = std::min(max_rows - history_rows, event_queue_.size());
    const std::size_t activity_rows = std::min(max_rows - history_rows - event_rows, activity_queue_.size());
    sqlite::transaction tx(db_);
    auto& current = cached(
        "INSERT INTO current_state (device_id, property, value, updated_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (device_id, property) DO UPDATE SET value = excluded.value, "
        "updated_at = excluded.updated_at WHERE excluded.updated_at >= current_state.updated_at");
    auto& history = cached(
        "INSERT INTO state_history (device_id, property, value_num, value_json, ts) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    for (std::size_t i = 0; i < history_rows; ++i) {
        const auto& q = history_queue_[i];
        if (q.value.is_number()) {
            history.bind_all(q.device_id, q.property, q.value.get<double>(), nullptr, q.ts).run();
        } else {
            history.bind_all(q.device_id, q.property, nullptr, q.value.dump(), q.ts).run();
        }
    }
    auto& events = cached("INSERT INTO events (device_id, event_type, payload, ts) VALUES (?1, ?2, ?3, ?4)");
    for (std::size_t i = 0; i < event_rows; ++i) {
        const auto& e = event_queue_[i];
        events.bind_all(e.device_id, e.event_type, e.payload.dump(), e.ts).run();
    }
    auto& activity =
        cached("INSERT INTO activity (ts, device_id, kind, name, value, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    for (std::size_t i = 0; i < activity_rows; ++i) {
        const auto& a = activity_queue_[i];
        activity.bind_all(a.ts, a.device_id, to_string(a.kind), a.name, a.value.dump(), a.source).run();
    }
    // current_state once the backlog is written, or every 8th slice under sustained load.
    const bool last_slice = history_rows == history_queue_.size() || ++slices_since_current_ >= 8;
    if (last_slice) {
        for (const auto& [key, value] : current_pending_)
            current.bind_all(key.first, key.second, value.first.dump(), value.second).run();
        write_energy();  // one upsert per touched device-hour, in this transaction
    }
    tx.commit();
    for (const auto day : energy_days_written_) energy_changes_->touched(day);
    energy_days_written_.clear();
    if (last_slice) {
        current_pending_.clear();
        slices_since_current_ = 0;
    }
    history_queue_.erase(history_queue_.begin(), history_queue_.begin() + static_cast<std::ptrdiff_t>(history_rows));
    event_queue_.erase(event_queue_.begin(), event_queue_.begin() + static_cast<std::ptrdiff_t>(event_rows));
    activity_queue_.erase(activity_queue_.begin(),
                          activity_queue_.begin() + static_cast<std::ptrdiff_t>(activity_rows));
    return history_rows + event_rows + activity_rows;
}

std::map<std::string, nlohmann::json> store::load_current_state() {
    auto stmt = db_.prepare("SELECT device_id, property, value FROM current_state");
    std::map<std::string, nlohmann::json> result;
    while (stmt.step()) {
        auto& object = result[stmt.column_text(0)];
        if (object.is_null()) object = nlohmann::json::object();
        object[stmt.column_text(1)] = nlohmann::json::parse(stmt.column_text(2));
    }
    return result;
}

std::int64_t store::append_audit(const audit_record& record) {
    // FULL makes this commit fsync the WAL (and with it every earlier NORMAL commit).
    db_.exec("PRAGMA synchronous = FULL");
    struct restore_normal {
        sqlite::db& db;
        ~restore_normal() {
            try {
                db.exec("PRAGMA synchronous = NORMAL");
            } catch (const sqlite::error& e) {
                log::store().error("store: could not restore synchronous=NORMAL: {}", e.what());
            }
        }
    } guard{db_};
    sqlite::transaction tx(db_);
    // The hash chain (store/audit_chain.hpp) lives here, in the one function that inserts audit
    // rows, so every writer's rows are covered.
    std::string prev;
    {
        auto& last = cached("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1");
        if (last.step()) {
            prev = last.column_text(0);
        } else if (auto& anchor = cached("SELECT prev_hash FROM audit_anchor WHERE k = 1"); anchor.step()) {
            prev = anchor.column_text(0);
            anchor.reset();
        }
        last.reset();
    }
    audit_record hashed = record;
    hashed.detail = record.detail.dump();  // hashed exactly as stored
    const std::string hash = audit_row_hash(prev, hashed);
    cached(
        "INSERT INTO audit_log (ts, actor, source, action, target, result, detail, prev_hash, hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        .bind_all(record.ts, record.actor, record.source, record.action, record.target, record.result,
                  hashed.detail.get<std::string>(), prev, hash)
        .run();
    std::int64_t id = db_.last_insert_rowid();
    tx.commit();
    last_audit_ = {id, hash, record.ts};
    if (options_.audit_checkpoint_every > 0 && id % options_.audit_checkpoint_every == 0) checkpoint_audit();
    return id;
}

fs::path store::backup_now(time_ms now) {
    if (options_.backup_dir.empty()) throw std::logic_error("store: no backup_dir configured");
    flush();
    auto info = store_backup::take(db_, options_.backup_dir, now);
    record_backup(info);
    return info.path;
}

backup_info store::copy_backup(time_ms now) const {
    if (options_.backup_dir.empty()) throw std::logic_error("store: no backup_dir configured");
    sqlite::db source = sqlite::db::open(path_, true);
    source.exec("PRAGMA busy_timeout = 5000");
    return store_backup::take(source, options_.backup_dir, now);
}

void store::record_backup(const backup_info& info) {
    last_backup_ = info;
    for (const auto& gone :
         store_backup::rotate(options_.backup_dir, options_.backups_hourly, options_.backups_daily)) {
        log::store().info("store: rotated out backup {}", gone.string());
    }
}

std::string store::quick_check() { return run_quick_check(db_); }

fs::path store::audit_checkpoint_file() const {
    return options_.audit_checkpoint_file.empty() ? fs::path(path_.string() + ".audit-checkpoints")
                                                  : options_.audit_checkpoint_file;
}

void store::checkpoint_audit() {
    if (last_audit_.id == 0 || last_audit_.id == checkpointed_audit_id_) return;
    if (!append_audit_checkpoint(audit_checkpoint_file(), last_audit_.id, last_audit_.hash, last_audit_.ts)) {
        log::store().error("store: could not write the audit checkpoint to {}", audit_checkpoint_file().string());
    }
    // The journal keeps a copy hearthd cannot rewrite afterwards.
    log::store().info("store: audit checkpoint: row {} hash {}", last_audit_.id, last_audit_.hash);
    checkpointed_audit_id_ = last_audit_.id;
}

audit_verify_result store::verify_audit() { return verify_audit_chain(db_, audit_checkpoint_file()); }

std::uint64_t store::used_bytes() {
    auto pages = db_.query_int("PRAGMA page_count").value_or(0);
    auto free_pages = db_.query_int("PRAGMA freelist_count").value_or(0);
    auto page_size = db_.query_int("PRAGMA page_size").value_or(0);
    return static_cast<std::uint64_t>((pages - free_pages) * page_size);
}

store_stats store::stats(bool count_rows) {
    store_stats s;
    std::error_code ec;
    s.db_bytes = fs::file_size(path_, ec);
    if (ec) s.db_bytes = 0;
    s.wal_bytes = fs::file_size(fs::path(path_.string() + "-wal"), ec);
    if (ec) s.wal_bytes = 0;
    s.used_bytes = used_bytes();
    s.free_pages = static_cast<std::uint64_t>(db_.query_int("PRAGMA freelist_count").value_or(0));
    static constexpr const char* k_counted_tables[] = {
        "devices",           "current_state", "state_history",  "history_hourly", "events",
        "audit_log",         "rules",         "pending_timers", "rule_traces",    "discovery_hashes",
        "device_user_names", "meta",          "energy_hourly",  "energy_daily"};
    if (count_rows) {
        for (const char* table : k_counted_tables) {
            s.rows[table] = db_.query_int(std::string("SELECT count(*) FROM ") + table).value_or(0);
        }
    }
    s.queued_state = queued();
    s.last_backup = last_backup_;
    s.schema_version = static_cast<int>(db_.query_int("PRAGMA user_version").value_or(0));
    return s;
}

}  // namespace hearth
