// store: the core's lock safety state — wrong-code counters and lockouts, pending auto-relock
// and 'left unlocked' timers — and the search for audited lock attempts without an outcome.
// Counter and timer writes are committed with synchronous=FULL (like the audit log): they are on
// disk when the call returns, and a failure (disk full) is thrown to the caller, which fails closed.
#include "store/store.hpp"

#include "store/full_sync.hpp"

#include "log/log.hpp"

namespace hearth {

full_sync::full_sync(sqlite::db& db) : db_(db) { db_.exec("PRAGMA synchronous = FULL"); }

full_sync::~full_sync() {
    try {
        db_.exec("PRAGMA synchronous = NORMAL");
    } catch (const sqlite::error& e) {
        log::store().error("store: could not restore synchronous=NORMAL: {}", e.what());
    }
}

std::vector<lock_counter_record> store::load_lock_counters() {
    auto stmt = db_.prepare("SELECT device_id, wrong, last_wrong_ts, locked_out_until FROM lock_counters");
    std::vector<lock_counter_record> out;
    while (stmt.step()) {
        out.push_back(
            {stmt.column_text(0), static_cast<int>(stmt.column_int64(1)), stmt.column_int64(2), stmt.column_int64(3)});
    }
    return out;
}

void store::save_lock_counters(const lock_counter_record& r) {
    full_sync guard(db_);
    sqlite::transaction tx(db_);
    cached(
        "INSERT INTO lock_counters (device_id, wrong, last_wrong_ts, locked_out_until) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (device_id) DO UPDATE SET wrong = excluded.wrong, last_wrong_ts = excluded.last_wrong_ts, "
        "locked_out_until = excluded.locked_out_until")
        .bind_all(r.device_id, static_cast<std::int64_t>(r.wrong), r.last_wrong_ts, r.locked_out_until)
        .run();
    tx.commit();
}

std::vector<lock_timer_record> store::load_lock_timers() {
    auto stmt = db_.prepare("SELECT device_id, kind, due_ts FROM lock_timers ORDER BY due_ts");
    std::vector<lock_timer_record> out;
    while (stmt.step()) out.push_back({stmt.column_text(0), stmt.column_text(1), stmt.column_int64(2)});
    return out;
}

void store::save_lock_timer(const lock_timer_record& r) {
    full_sync guard(db_);
    sqlite::transaction tx(db_);
    cached(
        "INSERT INTO lock_timers (device_id, kind, due_ts) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (device_id, kind) DO UPDATE SET due_ts = excluded.due_ts")
        .bind_all(r.device_id, r.kind, r.due_ts)
        .run();
    tx.commit();
}

void store::remove_lock_timer(const std::string& device_id, const std::string& kind) {
    cached("DELETE FROM lock_timers WHERE device_id = ?1 AND kind = ?2").bind_all(device_id, kind).run();
}

std::vector<audit_record> store::take_open_lock_attempts() {
    const std::int64_t checked = std::stoll(meta("lock_attempts_checked").value_or("0"));
    auto stmt = db_.prepare(
        "SELECT a.id, a.ts, a.actor, a.source, a.action, a.target, a.result, a.detail FROM audit_log a "
        "WHERE a.result = 'attempt' AND a.id > ?1 AND NOT EXISTS (SELECT 1 FROM audit_log b "
        "WHERE b.id > a.id AND b.target = a.target AND b.result <> 'attempt' "
        "AND json_extract(b.detail, '$.op') = json_extract(a.detail, '$.op')) ORDER BY a.id");
    stmt.bind_all(checked);
    std::vector<audit_record> out;
    while (stmt.step()) {
        auto detail = nlohmann::json::parse(stmt.column_text(7), nullptr, false);
        out.push_back({stmt.column_int64(0), stmt.column_int64(1), stmt.column_text(2), stmt.column_text(3),
                       stmt.column_text(4), stmt.column_text(5), stmt.column_text(6),
                       detail.is_discarded() ? nlohmann::json::object() : detail});
    }
    const auto newest = db_.query_int("SELECT coalesce(max(id), 0) FROM audit_log").value_or(0);
    set_meta("lock_attempts_checked", std::to_string(newest));
    return out;
}

}  // namespace hearth
