// Thin RAII layer over the SQLite C API used by the store: a connection (`sqlite::db`), a
// prepared statement (`sqlite::statement`, bound parameters only) and a transaction guard that
// rolls back unless committed. Every failure throws `sqlite::error`, which carries SQLite's own
// message and result code so callers can tell corruption (SQLITE_CORRUPT / SQLITE_NOTADB) from
// ordinary failures. Nothing here is thread-safe: one owner thread per connection.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace hearth::sqlite {

/// An SQLite failure: what() = context + sqlite's message; code() = primary result code.
class error : public std::runtime_error {
public:
    error(const std::string& what, int code) : std::runtime_error(what), code_(code) {}
    /// Primary SQLite result code (e.g. SQLITE_CORRUPT), or 0 for non-SQLite failures.
    int code() const noexcept { return code_; }
    /// True for SQLITE_CORRUPT and SQLITE_NOTADB: the file cannot be trusted.
    bool is_corruption() const noexcept;

private:
    int code_;
};

class db;

/// A prepared statement. Owner: the creator; must not outlive its `db`. Not thread-safe.
class statement {
public:
    statement() = default;
    statement(statement&& other) noexcept;
    statement& operator=(statement&& other) noexcept;
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement();

    /// Bind a value to 1-based parameter `index`. Text is copied (SQLITE_TRANSIENT).
    statement& bind(int index, std::int64_t value);
    statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    statement& bind(int index, double value);
    statement& bind(int index, std::string_view value);
    statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    statement& bind(int index, std::nullptr_t);
    template <class T>
    statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind(index, nullptr);
    }
    /// Bind all arguments to parameters 1..N in order.
    template <class... Ts>
    statement& bind_all(const Ts&... values) {
        int i = 0;
        (bind(++i, values), ...);
        return *this;
    }

    /// Advance; true if a row is available, false when done. Throws on error.
    bool step();
    /// Step to completion (for statements that return no rows), then reset.
    void run();
    /// Reset and clear bindings so the statement can be reused; releases its read lock.
    void reset() noexcept;

    std::int64_t column_int64(int col) const;
    double column_double(int col) const;
    std::string column_text(int col) const;
    bool column_is_null(int col) const;
    /// SQLite fundamental type of the column in the current row (SQLITE_INTEGER, ...).
    int column_type(int col) const;

private:
    friend class db;
    statement(sqlite3_stmt* stmt, sqlite3* conn) : stmt_(stmt), conn_(conn) {}
    sqlite3_stmt* stmt_ = nullptr;
    sqlite3* conn_ = nullptr;
};

/// An open connection. Owner: the creator (movable, not copyable). Closed in the destructor.
class db {
public:
    /// Open `path` (read-write, create unless `read_only`). Throws `error` on failure.
    static db open(const std::filesystem::path& path, bool read_only = false);

    db(db&& other) noexcept;
    db& operator=(db&& other) noexcept;
    db(const db&) = delete;
    db& operator=(const db&) = delete;
    ~db();

    /// Prepare one statement. Throws with the SQL in the message on failure.
    statement prepare(std::string_view sql);
    /// Run a script of parameterless statements (DDL, PRAGMAs), one prepared statement each.
    void exec(std::string_view sql);
    /// Run a query returning one integer (first column of first row); nullopt if no row.
    std::optional<std::int64_t> query_int(std::string_view sql);
    /// Run a query returning one text value; nullopt if no row.
    std::optional<std::string> query_text(std::string_view sql);

    std::int64_t last_insert_rowid() const;
    int changes() const;
    bool in_transaction() const;
    sqlite3* get() const noexcept { return conn_; }

private:
    explicit db(sqlite3* conn) : conn_(conn) {}
    void close() noexcept;
    sqlite3* conn_ = nullptr;
};

/// Transaction guard: BEGIN IMMEDIATE in the constructor, ROLLBACK in the destructor unless
/// commit() succeeded. Not reentrant (SQLite has no nested BEGIN).
class transaction {
public:
    explicit transaction(db& conn);
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    ~transaction();
    /// COMMIT; throws on failure (the destructor then rolls back).
    void commit();

private:
    db& db_;
    bool done_ = false;
};

/// Throw `error` with "context: <sqlite message>" if `rc` is not OK/ROW/DONE.
void check(sqlite3* conn, int rc, std::string_view context);

}  // namespace hearth::sqlite
