// hearth-community's SQLite database: schema, ingest with de-duplication, alert state, queries
// (community_store.hpp).
#include "community/community_store.hpp"

#include <sqlite3.h>

namespace hearth::community {
namespace {

constexpr std::int64_t ms_per_day = 24LL * 3600 * 1000;

constexpr const char* schema_sql = R"sql(
CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, received_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_by_age ON seen(received_ms);
CREATE TABLE IF NOT EXISTS homes (home TEXT PRIMARY KEY, site TEXT NOT NULL, last_seen_ms INTEGER NOT NULL,
  health TEXT, health_ts INTEGER);
CREATE TABLE IF NOT EXISTS alerts (id TEXT PRIMARY KEY, site TEXT NOT NULL, home TEXT NOT NULL,
  kind TEXT NOT NULL, ts INTEGER NOT NULL, received_ms INTEGER NOT NULL, data TEXT NOT NULL,
  acked_ms INTEGER, acked_by TEXT, escalated_ms INTEGER);
CREATE INDEX IF NOT EXISTS alerts_open ON alerts(acked_ms, received_ms);
CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, site TEXT NOT NULL, home TEXT NOT NULL,
  kind TEXT NOT NULL, ts INTEGER NOT NULL, received_ms INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (request_id TEXT PRIMARY KEY, home TEXT NOT NULL, name TEXT NOT NULL,
  sent_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS responses (request_id TEXT PRIMARY KEY, home TEXT NOT NULL, name TEXT NOT NULL,
  status TEXT NOT NULL, body TEXT NOT NULL, received_ms INTEGER NOT NULL);
)sql";

constexpr const char* alert_columns =
    "SELECT id, site, home, kind, ts, received_ms, data, acked_ms, acked_by, escalated_ms FROM alerts ";

std::optional<std::int64_t> optional_int(const sqlite::statement& st, int col) {
    if (st.column_is_null(col)) {
        return std::nullopt;
    }
    return st.column_int64(col);
}

std::vector<alert_row> read_alerts(sqlite::statement& st) {
    std::vector<alert_row> rows;
    while (st.step()) {
        alert_row row;
        row.id = st.column_text(0);
        row.site = st.column_text(1);
        row.home = st.column_text(2);
        row.kind = st.column_text(3);
        row.ts = st.column_int64(4);
        row.received_ms = st.column_int64(5);
        row.data = st.column_text(6);
        row.acked_ms = optional_int(st, 7);
        row.acked_by = st.column_is_null(8) ? std::string() : st.column_text(8);
        row.escalated_ms = optional_int(st, 9);
        rows.push_back(std::move(row));
    }
    return rows;
}

void store_response(sqlite::db& db, const up_message& message, std::int64_t now_ms) {
    const auto* request_id = message.data.contains("request_id") && message.data["request_id"].is_string()
                                 ? message.data["request_id"].get_ptr<const std::string*>()
                                 : nullptr;
    const auto* name = message.data.contains("name") && message.data["name"].is_string()
                           ? message.data["name"].get_ptr<const std::string*>()
                           : nullptr;
    const auto* status = message.data.contains("status") && message.data["status"].is_string()
                             ? message.data["status"].get_ptr<const std::string*>()
                             : nullptr;
    db.prepare(
          "INSERT OR REPLACE INTO responses(request_id, home, name, status, body, received_ms) "
          "VALUES(?,?,?,?,?,?)")
        .bind_all(request_id != nullptr ? *request_id : message.id, message.home,
                  name != nullptr ? *name : std::string(), status != nullptr ? *status : std::string("error"),
                  message.data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), now_ms)
        .run();
}

}  // namespace

community_store community_store::open(const std::filesystem::path& path, bool read_only) {
    community_store store(sqlite::db::open(path, read_only));
    sqlite3_busy_timeout(store.db_.get(), 5000);
    if (!read_only) {
        store.migrate();
    }
    return store;
}

void community_store::migrate() {
    db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    db_.exec(schema_sql);
}

ingest_outcome community_store::ingest(const up_message& message, std::int64_t now_ms) {
    sqlite::transaction tx(db_);
    db_.prepare("INSERT OR IGNORE INTO seen(id, received_ms) VALUES(?, ?)").bind_all(message.id, now_ms).run();
    if (db_.changes() == 0) {
        return ingest_outcome::duplicate;
    }
    const auto data = message.data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    db_.prepare(
           "INSERT INTO homes(home, site, last_seen_ms) VALUES(?1, ?2, ?3) ON CONFLICT(home) DO UPDATE SET "
           "site = ?2, last_seen_ms = max(last_seen_ms, ?3)")
        .bind_all(message.home, message.site, now_ms)
        .run();
    if (alert_kind(message.kind)) {
        db_.prepare("INSERT INTO alerts(id, site, home, kind, ts, received_ms, data) VALUES(?,?,?,?,?,?,?)")
            .bind_all(message.id, message.site, message.home, message.kind, message.ts, now_ms, data)
            .run();
    } else if (message.kind == "health") {
        db_.prepare(
               "UPDATE homes SET health = ?2, health_ts = ?3 WHERE home = ?1 AND "
               "(health_ts IS NULL OR health_ts <= ?3)")
            .bind_all(message.home, data, message.ts)
            .run();
    } else if (message.kind == "response") {
        store_response(db_, message, now_ms);
    } else {
        db_.prepare("INSERT INTO events(id, site, home, kind, ts, received_ms, data) VALUES(?,?,?,?,?,?,?)")
            .bind_all(message.id, message.site, message.home, message.kind, message.ts, now_ms, data)
            .run();
    }
    tx.commit();
    return ingest_outcome::stored;
}

std::int64_t community_store::prune_seen(std::int64_t now_ms, int dedup_days) {
    db_.prepare("DELETE FROM seen WHERE received_ms < ?")
        .bind_all(now_ms - static_cast<std::int64_t>(dedup_days) * ms_per_day)
        .run();
    return db_.changes();
}

std::vector<alert_row> community_store::due_escalations(std::int64_t now_ms, std::int64_t after_ms) {
    auto st = db_.prepare(std::string(alert_columns) +
                          "WHERE kind = 'alarm' AND acked_ms IS NULL AND escalated_ms IS NULL AND received_ms <= ? "
                          "ORDER BY received_ms, id");
    st.bind_all(now_ms - after_ms);
    return read_alerts(st);
}

void community_store::mark_escalated(const std::string& id, std::int64_t now_ms) {
    db_.prepare("UPDATE alerts SET escalated_ms = ? WHERE id = ?").bind_all(now_ms, id).run();
}

bool community_store::acknowledge(const std::string& id, const std::string& by, std::int64_t now_ms) {
    db_.prepare("UPDATE alerts SET acked_ms = ?, acked_by = ? WHERE id = ? AND acked_ms IS NULL")
        .bind_all(now_ms, by, id)
        .run();
    return db_.changes() > 0;
}

void community_store::record_request(const std::string& request_id, const std::string& home, const std::string& name,
                                     std::int64_t now_ms) {
    db_.prepare("INSERT OR REPLACE INTO requests(request_id, home, name, sent_ms) VALUES(?,?,?,?)")
        .bind_all(request_id, home, name, now_ms)
        .run();
}

std::vector<home_row> community_store::homes() {
    auto st = db_.prepare(
        "SELECT h.site, h.home, h.last_seen_ms, "
        "(SELECT count(*) FROM alerts a WHERE a.home = h.home AND a.acked_ms IS NULL), h.health IS NOT NULL "
        "FROM homes h ORDER BY h.site, h.home");
    std::vector<home_row> rows;
    while (st.step()) {
        rows.push_back(
            {st.column_text(0), st.column_text(1), st.column_int64(2), st.column_int64(3), st.column_int64(4) != 0});
    }
    return rows;
}

std::vector<alert_row> community_store::open_alerts(const std::string& home) {
    auto st = db_.prepare(std::string(alert_columns) +
                          "WHERE acked_ms IS NULL AND (?1 = '' OR home = ?1) ORDER BY received_ms, id");
    st.bind_all(home);
    return read_alerts(st);
}

std::vector<alert_row> community_store::all_alerts() {
    auto st = db_.prepare(std::string(alert_columns) + "ORDER BY received_ms, id");
    return read_alerts(st);
}

std::optional<std::string> community_store::health(const std::string& home) {
    auto st = db_.prepare("SELECT health FROM homes WHERE home = ? AND health IS NOT NULL");
    st.bind_all(home);
    if (!st.step()) {
        return std::nullopt;
    }
    return st.column_text(0);
}

std::optional<response_row> community_store::response(const std::string& request_id) {
    auto st =
        db_.prepare("SELECT request_id, home, name, status, body, received_ms FROM responses WHERE request_id = ?");
    st.bind_all(request_id);
    if (!st.step()) {
        return std::nullopt;
    }
    return response_row{st.column_text(0), st.column_text(1), st.column_text(2),
                        st.column_text(3), st.column_text(4), st.column_int64(5)};
}

std::int64_t community_store::seen_count() { return db_.query_int("SELECT count(*) FROM seen").value_or(0); }

}  // namespace hearth::community
