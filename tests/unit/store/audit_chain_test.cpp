// Tamper-evident audit log (store/audit_chain.hpp): an intact chain verifies; deleting a middle
// row, altering a row (with the UPDATE trigger dropped, as an attacker with the file would),
// deleting rows from the end (caught by the checkpoint file) and rewriting the chain are each
// reported at the first broken row; retention keeps the chain verifiable through its anchor.
#include "store/audit_chain.hpp"
#include "store/store.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace hearth {
namespace {

audit_record row(int i) {
    return {0, test::t0 + i, "user", "mqtt", "lock.unlock", "front_door", i % 2 ? "ok" : "denied", {{"n", i}}};
}

std::unique_ptr<store> with_rows(const std::filesystem::path& db, int n, int checkpoint_every = 0) {
    store_options o;
    o.audit_checkpoint_every = checkpoint_every;
    auto s = store::open(db, o, test::t0);
    for (int i = 1; i <= n; ++i) s->append_audit(row(i));
    return s;
}

/// Tampers with the file the way an attacker with write access would (raw SQL, no trigger).
void tamper(const std::filesystem::path& db, const std::string& sql) {
    auto conn = sqlite::db::open(db);
    conn.exec("DROP TRIGGER IF EXISTS audit_log_no_update");
    conn.exec(sql);
}

TEST(audit_chain, intact_chain_verifies_and_checkpoints_match) {
    testing::temp_dir dir;
    auto s = with_rows(dir / "h.db", 10, 4);
    s->close();  // checkpoints rows 4, 8 and (at close) 10
    auto conn = sqlite::db::open(dir / "h.db", true);
    const auto r = verify_audit_chain(conn, s->audit_checkpoint_file());
    EXPECT_TRUE(r.ok) << r.reason;
    EXPECT_EQ(r.rows, 10);
    EXPECT_EQ(r.checkpoints, 3);
}

TEST(audit_chain, deleted_middle_row_is_reported_at_the_next_row) {
    testing::temp_dir dir;
    with_rows(dir / "h.db", 10)->close();
    tamper(dir / "h.db", "DELETE FROM audit_log WHERE id = 5");
    auto conn = sqlite::db::open(dir / "h.db", true);
    const auto r = verify_audit_chain(conn, dir / "none");
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_break, 6);
    EXPECT_NE(r.reason.find("does not follow the row before it"), std::string::npos) << r.reason;
}

TEST(audit_chain, altered_row_is_reported_at_that_row) {
    testing::temp_dir dir;
    with_rows(dir / "h.db", 10)->close();
    tamper(dir / "h.db", "UPDATE audit_log SET result = 'ok' WHERE id = 4");
    auto conn = sqlite::db::open(dir / "h.db", true);
    const auto r = verify_audit_chain(conn, dir / "none");
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_break, 4);
    EXPECT_NE(r.reason.find("does not match its hash"), std::string::npos) << r.reason;
}

TEST(audit_chain, rows_deleted_from_the_end_are_caught_by_the_checkpoint) {
    testing::temp_dir dir;
    auto s = with_rows(dir / "h.db", 10, 5);
    s->close();
    tamper(dir / "h.db", "DELETE FROM audit_log WHERE id >= 9");
    auto conn = sqlite::db::open(dir / "h.db", true);
    const auto r = verify_audit_chain(conn, s->audit_checkpoint_file());
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_break, 10);
    EXPECT_NE(r.reason.find("missing from the database"), std::string::npos) << r.reason;
}

TEST(audit_chain, rewritten_chain_differs_from_the_checkpoint) {
    testing::temp_dir dir;
    auto s = with_rows(dir / "h.db", 5, 5);
    s->close();
    // Recompute a consistent chain over altered content: only the checkpoint can tell.
    auto conn = sqlite::db::open(dir / "h.db");
    conn.exec("DROP TRIGGER audit_log_no_update");
    conn.exec("UPDATE audit_log SET result = 'ok'");
    std::string prev;
    for (int id = 1; id <= 5; ++id) {
        auto rec = row(id);
        rec.result = "ok";
        rec.detail = rec.detail.dump();
        const auto h = audit_row_hash(prev, rec);
        conn.exec("UPDATE audit_log SET prev_hash = '" + prev + "', hash = '" + h +
                  "' WHERE id = " + std::to_string(id));
        prev = h;
    }
    const auto r = verify_audit_chain(conn, s->audit_checkpoint_file());
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_break, 5);
    EXPECT_NE(r.reason.find("differs from its checkpoint"), std::string::npos) << r.reason;
}

TEST(audit_chain, retention_keeps_the_chain_verifiable) {
    testing::temp_dir dir;
    store_options o;
    o.audit_days = 1;
    o.audit_checkpoint_every = 0;
    auto s = store::open(dir / "h.db", o, test::t0);
    for (int i = 1; i <= 6; ++i) s->append_audit(row(i));
    // Rows 1..6 are older than a day at t0 + 2 days: pruned; new rows chain on the anchor.
    while (s->purge_step(test::t0 + 2 * 86'400'000LL, 2)) {}
    s->append_audit(row(7));
    s->append_audit(row(8));
    const auto r = s->verify_audit();
    EXPECT_TRUE(r.ok) << r.reason;
    EXPECT_EQ(r.rows, 2);
}

}  // namespace
}  // namespace hearth
