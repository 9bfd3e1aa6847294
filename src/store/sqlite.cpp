// Implementation of the RAII SQLite wrappers declared in sqlite.hpp. All result codes are checked
// and turned into `sqlite::error` with the message SQLite gives for the connection.
#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <utility>

namespace hearth::sqlite {

bool error::is_corruption() const noexcept { return code_ == SQLITE_CORRUPT || code_ == SQLITE_NOTADB; }

void check(sqlite3* conn, int rc, std::string_view context) {
    if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
    std::string msg(context);
    msg += ": ";
    msg += conn != nullptr ? sqlite3_errmsg(conn) : sqlite3_errstr(rc);
    throw error(msg, rc & 0xff);
}

statement::statement(statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)), conn_(other.conn_) {}

statement& statement::operator=(statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        stmt_ = std::exchange(other.stmt_, nullptr);
        conn_ = other.conn_;
    }
    return *this;
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement& statement::bind(int index, std::int64_t value) {
    check(conn_, sqlite3_bind_int64(stmt_, index, value), "bind");
    return *this;
}

statement& statement::bind(int index, double value) {
    check(conn_, sqlite3_bind_double(stmt_, index, value), "bind");
    return *this;
}

statement& statement::bind(int index, std::string_view value) {
    check(conn_, sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8), "bind");
    return *this;
}

statement& statement::bind(int index, std::nullptr_t) {
    check(conn_, sqlite3_bind_null(stmt_, index), "bind");
    return *this;
}

bool statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    std::string context = "step '";
    const char* sql = sqlite3_sql(stmt_);
    context += sql != nullptr ? std::string_view(sql).substr(0, 80) : "?";
    context += "'";
    // sqlite3_step's own code can be generic; the connection's extended code is more precise.
    rc = sqlite3_extended_errcode(conn_);
    sqlite3_reset(stmt_);
    check(conn_, rc == SQLITE_OK ? SQLITE_ERROR : rc, context);
    return false;
}

void statement::run() {
    while (step()) {}
    reset();
}

void statement::reset() noexcept {
    if (stmt_ == nullptr) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::int64_t statement::column_int64(int col) const { return sqlite3_column_int64(stmt_, col); }
double statement::column_double(int col) const { return sqlite3_column_double(stmt_, col); }
bool statement::column_is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int statement::column_type(int col) const { return sqlite3_column_type(stmt_, col); }

std::string statement::column_text(int col) const {
    const auto* text = sqlite3_column_text(stmt_, col);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

db db::open(const std::filesystem::path& path, bool read_only) {
    sqlite3* conn = nullptr;
    int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    flags |= SQLITE_OPEN_NOMUTEX;  // one owner thread per connection
    int rc = sqlite3_open_v2(path.c_str(), &conn, flags, nullptr);
    db handle(conn);  // closes even on failure
    check(conn, rc, "open " + path.string());
    sqlite3_extended_result_codes(conn, 1);
    return handle;
}

db::db(db&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}

db& db::operator=(db&& other) noexcept {
    if (this != &other) {
        close();
        conn_ = std::exchange(other.conn_, nullptr);
    }
    return *this;
}

db::~db() { close(); }

void db::close() noexcept {
    if (conn_ != nullptr) {
        sqlite3_close_v2(conn_);
        conn_ = nullptr;
    }
}

statement db::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(conn_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    statement result(stmt, conn_);
    check(conn_, rc, "prepare '" + std::string(sql.substr(0, 80)) + "'");
    return result;
}

void db::exec(std::string_view sql) {
    const char* cursor = sql.data();
    const char* end = sql.data() + sql.size();
    while (cursor < end) {
        sqlite3_stmt* raw = nullptr;
        const char* tail = nullptr;
        int rc = sqlite3_prepare_v2(conn_, cursor, static_cast<int>(end - cursor), &raw, &tail);
        statement stmt(raw, conn_);
        check(conn_, rc, "prepare '" + std::string(std::string_view(cursor, end - cursor).substr(0, 80)) + "'");
        if (raw == nullptr) break;  // only whitespace/comments left
        stmt.run();
        cursor = tail;
    }
}

std::optional<std::int64_t> db::query_int(std::string_view sql) {
    statement stmt = prepare(sql);
    if (!stmt.step() || stmt.column_is_null(0)) return std::nullopt;
    return stmt.column_int64(0);
}

std::optional<std::string> db::query_text(std::string_view sql) {
    statement stmt = prepare(sql);
    if (!stmt.step()) return std::nullopt;
    return stmt.column_text(0);
}

std::int64_t db::last_insert_rowid() const { return sqlite3_last_insert_rowid(conn_); }
int db::changes() const { return sqlite3_changes(conn_); }
bool db::in_transaction() const { return sqlite3_get_autocommit(conn_) == 0; }

transaction::transaction(db& conn) : db_(conn) { db_.exec("BEGIN IMMEDIATE"); }

transaction::~transaction() {
    if (!done_ && db_.in_transaction()) {
        sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

}  // namespace hearth::sqlite
