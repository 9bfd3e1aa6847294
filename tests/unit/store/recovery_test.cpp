// Health and backup tests: a garbage or damaged file is moved aside (with -wal/-shm) and restored
// from the newest backup that verifies; without backups a new empty DB is created and reported;
// backup rotation keeps the newest per hour/day; stats report the last backup.
#include "store/backup.hpp"
#include "store/store.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

namespace hearth {
namespace {

using test::t0;
namespace fs = std::filesystem;

store_options with_backups(const testing::temp_dir& dir) {
    store_options opts;
    opts.backup_dir = dir / "backups";
    return opts;
}

TEST(store_recovery, garbage_file_is_moved_aside_and_restored_from_backup) {
    testing::temp_dir dir;
    auto opts = with_backups(dir);
    fs::path backup;
    {
        auto s = store::open(dir / "h.db", opts, t0);
        s->upsert_device({"lamp", "demo", {}, t0});
        backup = s->backup_now(t0 + 1000);
        EXPECT_EQ(s->last_backup()->path, backup);
        s->upsert_device({"late", "demo", {}, t0});  // after the backup: lost with the file
    }
    test::scribble(dir / "h.db", 0, 8192);
    auto s = store::open(dir / "h.db", opts, t0 + 5000);
    const auto& report = s->report();
    EXPECT_TRUE(report.recovered);
    EXPECT_EQ(report.moved_aside_to, fs::path((dir / "h.db").string() + ".corrupt-" + std::to_string(t0 + 5000)));
    EXPECT_TRUE(fs::exists(report.moved_aside_to));
    EXPECT_EQ(report.restored_from, backup);
    EXPECT_NE(report.message.find("corrupt"), std::string::npos) << report.message;
    EXPECT_NE(report.message.find("restored from backup"), std::string::npos) << report.message;
    auto devices = s->load_devices();
    ASSERT_EQ(devices.size(), 1u);
    EXPECT_EQ(devices[0].id, "lamp");
    EXPECT_EQ(s->quick_check(), "ok");
}

TEST(store_recovery, damaged_page_without_backup_creates_new_db_and_says_so) {
    testing::temp_dir dir;
    {
        auto s = store::open(dir / "h.db", {}, t0);
        for (int i = 0; i < 3000; ++i) s->queue_state("d" + std::to_string(i % 50), "p", i, t0 + i);
        s->flush();
    }
    auto size = fs::file_size(dir / "h.db");
    ASSERT_GT(size, 16u * 4096);
    test::scribble(dir / "h.db", 4096 * 6, 4096 * 4);
    auto s = store::open(dir / "h.db", {}, t0 + 1);
    EXPECT_TRUE(s->report().recovered);
    EXPECT_TRUE(s->report().restored_from.empty());
    EXPECT_NE(s->report().message.find("no usable backup"), std::string::npos) << s->report().message;
    EXPECT_TRUE(s->load_current_state().empty());
    EXPECT_TRUE(fs::exists(s->report().moved_aside_to));
}

TEST(store_recovery, corrupt_newest_backup_is_skipped) {
    testing::temp_dir dir;
    auto opts = with_backups(dir);
    fs::path older, newer;
    {
        auto s = store::open(dir / "h.db", opts, t0);
        s->upsert_device({"a", "demo", {}, t0});
        older = s->backup_now(t0);
        s->upsert_device({"b", "demo", {}, t0});
        newer = s->backup_now(t0 + ms_per_hour);
    }
    test::scribble(newer, 0, 4096);
    test::scribble(dir / "h.db", 0, 4096);
    auto s = store::open(dir / "h.db", opts, t0 + 2 * ms_per_hour);
    EXPECT_EQ(s->report().restored_from, older);
    EXPECT_EQ(s->load_devices().size(), 1u);
}

TEST(store_recovery, healthy_open_reports_nothing) {
    testing::temp_dir dir;
    { auto s = store::open(dir / "h.db", {}, t0); }
    auto s = store::open(dir / "h.db", {}, t0);
    EXPECT_FALSE(s->report().recovered);
    EXPECT_TRUE(s->report().quick_check_ran);
    EXPECT_TRUE(s->report().previous_stop_clean);
    EXPECT_TRUE(s->report().message.empty());
}

TEST(store_backup, rotation_keeps_newest_per_hour_and_per_day) {
    testing::temp_dir dir;
    auto opts = with_backups(dir);
    opts.backups_hourly = 3;
    opts.backups_daily = 2;
    auto s = store::open(dir / "h.db", opts, t0);
    s->upsert_device({"a", "demo", {}, t0});
    for (int h = 0; h < 48; ++h) s->backup_now(t0 + h * ms_per_hour);
    auto kept = store_backup::list(opts.backup_dir);
    std::vector<time_ms> hours;
    for (const auto& b : kept) hours.push_back((b.ts - t0) / ms_per_hour);
    EXPECT_EQ(hours, (std::vector<time_ms>{47, 46, 45, 23}));
    EXPECT_EQ(s->last_backup()->ts, t0 + 47 * ms_per_hour);
    EXPECT_EQ(store_backup::verify(kept.front().path), "ok");
    auto stats = s->stats();
    ASSERT_TRUE(stats.last_backup.has_value());
    EXPECT_EQ(stats.last_backup->ts, t0 + 47 * ms_per_hour);
    EXPECT_EQ(stats.rows["devices"], 1);
    EXPECT_GT(stats.db_bytes, 0u);
}

TEST(store_backup, last_backup_is_found_at_open) {
    testing::temp_dir dir;
    auto opts = with_backups(dir);
    { store::open(dir / "h.db", opts, t0)->backup_now(t0 + 42); }
    auto s = store::open(dir / "h.db", opts, t0);
    ASSERT_TRUE(s->last_backup().has_value());
    EXPECT_EQ(s->last_backup()->ts, t0 + 42);
}

}  // namespace
}  // namespace hearth
