// Tests of the RAII SQLite layer: binding, errors carrying SQLite's message, transaction rollback.
#include "store/sqlite.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace hearth::sqlite {
namespace {

TEST(sqlite_wrapper, binds_and_reads_back_values) {
    testing::temp_dir dir;
    db conn = db::open(dir / "t.db");
    conn.exec("CREATE TABLE t (a INTEGER, b REAL, c TEXT, d TEXT)");
    conn.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)")
        .bind_all(std::int64_t{42}, 2.5, std::string("it's \"quoted\""), nullptr)
        .run();
    auto stmt = conn.prepare("SELECT a, b, c, d FROM t");
    ASSERT_TRUE(stmt.step());
    EXPECT_EQ(stmt.column_int64(0), 42);
    EXPECT_DOUBLE_EQ(stmt.column_double(1), 2.5);
    EXPECT_EQ(stmt.column_text(2), "it's \"quoted\"");
    EXPECT_TRUE(stmt.column_is_null(3));
    EXPECT_FALSE(stmt.step());
}

TEST(sqlite_wrapper, error_carries_sqlite_message_and_code) {
    testing::temp_dir dir;
    db conn = db::open(dir / "t.db");
    try {
        conn.exec("SELECT * FROM missing_table");
        FAIL() << "expected an error";
    } catch (const error& e) {
        EXPECT_NE(std::string(e.what()).find("no such table: missing_table"), std::string::npos);
        EXPECT_EQ(e.code(), SQLITE_ERROR);
    }
    conn.exec("CREATE TABLE u (x UNIQUE)");
    conn.exec("INSERT INTO u VALUES (1)");
    try {
        conn.exec("INSERT INTO u VALUES (1)");
        FAIL() << "expected a constraint error";
    } catch (const error& e) {
        EXPECT_EQ(e.code(), SQLITE_CONSTRAINT);
        EXPECT_FALSE(e.is_corruption());
    }
}

TEST(sqlite_wrapper, transaction_rolls_back_unless_committed) {
    testing::temp_dir dir;
    db conn = db::open(dir / "t.db");
    conn.exec("CREATE TABLE t (x)");
    {
        transaction tx(conn);
        conn.exec("INSERT INTO t VALUES (1)");
    }
    EXPECT_EQ(conn.query_int("SELECT count(*) FROM t"), 0);
    {
        transaction tx(conn);
        conn.exec("INSERT INTO t VALUES (1)");
        tx.commit();
    }
    EXPECT_EQ(conn.query_int("SELECT count(*) FROM t"), 1);
    EXPECT_FALSE(conn.in_transaction());
}

}  // namespace
}  // namespace hearth::sqlite
