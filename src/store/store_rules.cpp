// store: scenes/automations, pending rule timers, bounded rule traces, discovery hashes, meta and
// audit listing. Small autocommit writes (synchronous=NORMAL); see store.hpp for contracts.
#include "store/store.hpp"

namespace hearth {

void store::upsert_rule(const rule_record& rule) {
    cached(
        "INSERT INTO rules (id, kind, source_file, definition, enabled, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, "
        "source_file = excluded.source_file, definition = excluded.definition, "
        "enabled = excluded.enabled, updated_at = excluded.updated_at")
        .bind_all(rule.id, rule.kind, rule.source_file, rule.definition.dump(),
                  static_cast<std::int64_t>(rule.enabled ? 1 : 0), rule.updated_at)
        .run();
}

bool store::remove_rule(const std::string& rule_id) {
    cached("DELETE FROM rules WHERE id = ?1").bind_all(rule_id).run();
    return db_.changes() > 0;
}

bool store::set_rule_enabled(const std::string& rule_id, bool enabled, time_ms now) {
    cached("UPDATE rules SET enabled = ?2, updated_at = ?3 WHERE id = ?1")
        .bind_all(rule_id, static_cast<std::int64_t>(enabled ? 1 : 0), now)
        .run();
    return db_.changes() > 0;
}

std::vector<rule_record> store::load_rules() {
    auto stmt = db_.prepare("SELECT id, kind, source_file, definition, enabled, updated_at FROM rules ORDER BY id");
    std::vector<rule_record> result;
    while (stmt.step()) {
        result.push_back({stmt.column_text(0), stmt.column_text(1), stmt.column_text(2),
                          nlohmann::json::parse(stmt.column_text(3)), stmt.column_int64(4) != 0, stmt.column_int64(5)});
    }
    return result;
}

void store::upsert_timer(const pending_timer& timer) {
    cached(
        "INSERT INTO pending_timers (rule_id, run_id, due_ts, payload) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (rule_id, run_id) DO UPDATE SET due_ts = excluded.due_ts, "
        "payload = excluded.payload")
        .bind_all(timer.rule_id, timer.run_id, timer.due_ts, timer.payload.dump())
        .run();
}

bool store::remove_timer(const std::string& rule_id, const std::string& run_id) {
    cached("DELETE FROM pending_timers WHERE rule_id = ?1 AND run_id = ?2").bind_all(rule_id, run_id).run();
    return db_.changes() > 0;
}

std::vector<pending_timer> store::load_timers() {
    auto stmt = db_.prepare("SELECT rule_id, run_id, due_ts, payload FROM pending_timers ORDER BY due_ts, rule_id");
    std::vector<pending_timer> result;
    while (stmt.step()) {
        result.push_back({stmt.column_text(0), stmt.column_text(1), stmt.column_int64(2),
                          nlohmann::json::parse(stmt.column_text(3))});
    }
    return result;
}

void store::append_trace(const rule_trace& trace) {
    sqlite::transaction tx(db_);
    cached("INSERT INTO rule_traces (rule_id, run_id, ts, trace) VALUES (?1, ?2, ?3, ?4)")
        .bind_all(trace.rule_id, trace.run_id, trace.ts, trace.trace.dump())
        .run();
    cached(
        "DELETE FROM rule_traces WHERE rule_id = ?1 AND id <= (SELECT id FROM rule_traces "
        "WHERE rule_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)")
        .bind_all(trace.rule_id, static_cast<std::int64_t>(std::max(options_.traces_per_rule, 1)))
        .run();
    tx.commit();
}

std::vector<rule_trace> store::list_traces(const std::string& rule_id, std::size_t limit) {
    auto stmt = db_.prepare(
        "SELECT rule_id, run_id, ts, trace FROM rule_traces WHERE rule_id = ?1 "
        "ORDER BY id DESC LIMIT ?2");
    stmt.bind_all(rule_id, static_cast<std::int64_t>(limit));
    std::vector<rule_trace> result;
    while (stmt.step()) {
        result.push_back({stmt.column_text(0), stmt.column_text(1), stmt.column_int64(2),
                          nlohmann::json::parse(stmt.column_text(3))});
    }
    return result;
}

void store::set_user_name(const std::string& device_id, const std::string& name, time_ms ts) {
    cached(
        "INSERT INTO device_user_names (device_id, name, updated_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (device_id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at")
        .bind_all(device_id, name, ts)
        .run();
}

std::map<std::string, std::string> store::load_user_names() {
    auto stmt = db_.prepare("SELECT device_id, name FROM device_user_names");
    std::map<std::string, std::string> names;
    while (stmt.step()) names[stmt.column_text(0)] = stmt.column_text(1);
    return names;
}

std::optional<std::string> store::discovery_hash(const std::string& device_id) {
    auto& stmt = cached("SELECT hash FROM discovery_hashes WHERE device_id = ?1");
    stmt.bind_all(device_id);
    std::optional<std::string> result;
    if (stmt.step()) result = stmt.column_text(0);
    stmt.reset();
    return result;
}

void store::set_discovery_hash(const std::string& device_id, const std::string& hash) {
    cached(
        "INSERT INTO discovery_hashes (device_id, hash) VALUES (?1, ?2) "
        "ON CONFLICT (device_id) DO UPDATE SET hash = excluded.hash")
        .bind_all(device_id, hash)
        .run();
}

std::optional<std::string> store::meta(const std::string& key) {
    auto& stmt = cached("SELECT value FROM meta WHERE key = ?1");
    stmt.bind_all(key);
    std::optional<std::string> result;
    if (stmt.step()) result = stmt.column_text(0);
    stmt.reset();
    return result;
}

void store::set_meta(const std::string& key, const std::string& value) {
    cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind_all(key, value)
        .run();
}

std::vector<audit_record> store::list_audit(std::size_t limit, std::int64_t before_id) {
    auto stmt = db_.prepare(
        "SELECT id, ts, actor, source, action, target, result, detail FROM audit_log "
        "WHERE ?1 = 0 OR id < ?1 ORDER BY id DESC LIMIT ?2");
    stmt.bind_all(before_id, static_cast<std::int64_t>(limit));
    std::vector<audit_record> result;
    while (stmt.step()) {
        result.push_back({stmt.column_int64(0), stmt.column_int64(1), stmt.column_text(2), stmt.column_text(3),
                          stmt.column_text(4), stmt.column_text(5), stmt.column_text(6),
                          nlohmann::json::parse(stmt.column_text(7))});
    }
    return result;
}

}  // namespace hearth
