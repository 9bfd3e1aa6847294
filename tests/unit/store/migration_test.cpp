// Migration tests: upgrading a hand-made v1 file keeps its data, a failing step rolls back and
// names itself, and a file newer than the code is refused untouched.
#include "store/schema.hpp"
#include "store/store.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace hearth {
namespace {

int latest() { return static_cast<int>(store_schema::builtin_migrations().size()); }

int user_version(const std::filesystem::path& file) {
    auto conn = sqlite::db::open(file, true);
    return static_cast<int>(conn.query_int("PRAGMA user_version").value_or(-1));
}

void make_v1(const std::filesystem::path& file) {
    auto conn = sqlite::db::open(file);
    conn.exec(store_schema::v1_sql());
    conn.exec(
        "INSERT INTO devices VALUES ('lamp', 'demo', '{\"name\":\"Lamp\"}', 1);"
        "INSERT INTO current_state VALUES ('lamp', 'on', 'true', 2);"
        "INSERT INTO audit_log (ts, actor, source, action, target, result, detail) "
        "VALUES (3, 'alice', 'mqtt', 'lock.unlock', 'door', 'ok', '{}');"
        "PRAGMA user_version = 1;");
}

TEST(store_migrations, new_database_reaches_latest_version) {
    testing::temp_dir dir;
    auto s = store::open(dir / "h.db", {}, test::t0);
    EXPECT_EQ(s->report().schema_from, 0);
    EXPECT_EQ(s->report().schema_to, static_cast<int>(store_schema::builtin_migrations().size()));
    EXPECT_FALSE(s->report().recovered);
}

TEST(store_migrations, upgrades_v1_file_and_preserves_data) {
    testing::temp_dir dir;
    make_v1(dir / "h.db");
    auto s = store::open(dir / "h.db", {}, test::t0);
    EXPECT_EQ(s->report().schema_from, 1);
    EXPECT_EQ(s->report().schema_to, latest());
    auto devices = s->load_devices();
    ASSERT_EQ(devices.size(), 1u);
    EXPECT_EQ(devices[0].descriptor["name"], "Lamp");
    EXPECT_EQ(s->load_current_state()["lamp"]["on"], true);
    ASSERT_EQ(s->list_audit(10).size(), 1u);
    s->upsert_rule({"r1", "automation", "a.json", {{"x", 1}}, true, 5});  // v2 table works
    EXPECT_EQ(s->load_rules().size(), 1u);
    s->set_user_name("lamp", "Reading lamp", 6);  // v5 table works
    EXPECT_EQ(s->load_user_names()["lamp"], "Reading lamp");
    s.reset();
    EXPECT_EQ(user_version(dir / "h.db"), latest());
}

TEST(store_migrations, failed_step_rolls_back_and_names_itself) {
    testing::temp_dir dir;
    {
        auto s = store::open(dir / "h.db", {}, test::t0);
        s->upsert_device({"lamp", "demo", {}, 1});
    }
    store_options broken;
    const int next = latest() + 1;
    broken.extra_migrations = {
        {next, "add widgets", "CREATE TABLE widgets (x); INSERT INTO no_such_table VALUES (1);"}};
    try {
        store::open(dir / "h.db", broken, test::t0);
        FAIL() << "expected migration_failed";
    } catch (const store_schema::migration_failed& e) {
        std::string what = e.what();
        EXPECT_EQ(e.step(), next);
        EXPECT_NE(what.find("migration " + std::to_string(next) + " (add widgets) failed"), std::string::npos) << what;
        EXPECT_NE(what.find("no such table: no_such_table"), std::string::npos) << what;
    }
    EXPECT_EQ(user_version(dir / "h.db"), latest());
    auto s = store::open(dir / "h.db", {}, test::t0);
    EXPECT_EQ(s->load_devices().size(), 1u);
    auto conn = sqlite::db::open(dir / "h.db", true);
    EXPECT_EQ(conn.query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'widgets'"), 0);
}

TEST(store_migrations, newer_version_is_refused_and_file_untouched) {
    testing::temp_dir dir;
    {
        auto conn = sqlite::db::open(dir / "h.db");
        conn.exec("CREATE TABLE future (x); INSERT INTO future VALUES (7); PRAGMA user_version = 99;");
    }
    auto before = std::filesystem::file_size(dir / "h.db");
    try {
        store::open(dir / "h.db", {}, test::t0);
        FAIL() << "expected schema_too_new";
    } catch (const store_schema::schema_too_new& e) {
        EXPECT_NE(std::string(e.what()).find("version 99 is newer"), std::string::npos) << e.what();
    }
    EXPECT_EQ(user_version(dir / "h.db"), 99);
    EXPECT_EQ(std::filesystem::file_size(dir / "h.db"), before);
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        EXPECT_EQ(entry.path().string().find("corrupt"), std::string::npos) << entry.path();
    }
}

}  // namespace
}  // namespace hearth
