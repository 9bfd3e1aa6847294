// Implementation of store backups, rotation, verification and durable file operations.
#include "store/backup.hpp"

#include "log/log.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <set>
#include <system_error>

namespace hearth::store_backup {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view k_prefix = "hearth-";
constexpr std::string_view k_suffix = ".db";

std::optional<time_ms> parse_name(const std::string& name) {
    if (name.size() <= k_prefix.size() + k_suffix.size() || !name.starts_with(k_prefix) || !name.ends_with(k_suffix)) {
        return std::nullopt;
    }
    std::string_view digits(name.data() + k_prefix.size(), name.size() - k_prefix.size() - k_suffix.size());
    time_ms value = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || ptr != digits.data() + digits.size()) return std::nullopt;
    return value;
}

time_ms floor_div(time_ms a, time_ms b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

void fsync_path(const fs::path& path, bool directory) {
    int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + path.string());
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) throw std::system_error(err, std::generic_category(), "fsync " + path.string());
}

std::vector<backup_info> list(const fs::path& dir) {
    std::vector<backup_info> result;
    std::error_code ec;
    if (dir.empty() || !fs::is_directory(dir, ec)) return result;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file(ec)) continue;
        if (auto ts = parse_name(entry.path().filename().string())) {
            result.push_back({entry.path(), *ts});
        }
    }
    std::sort(result.begin(), result.end(), [](const backup_info& a, const backup_info& b) { return a.ts > b.ts; });
    return result;
}

backup_info take(sqlite::db& src, const fs::path& dir, time_ms now, int pages_per_step) {
    fs::create_directories(dir);
    const fs::path final_path = dir / (std::string(k_prefix) + std::to_string(now) + ".db");
    const fs::path tmp_path = dir / (".tmp-" + final_path.filename().string());
    fs::remove(tmp_path);
    {
        sqlite::db dest = sqlite::db::open(tmp_path);
        sqlite3_backup* backup = sqlite3_backup_init(dest.get(), "main", src.get(), "main");
        if (backup == nullptr) sqlite::check(dest.get(), SQLITE_ERROR, "backup init");
        int rc = SQLITE_OK;
        while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            rc = sqlite3_backup_step(backup, pages_per_step);
        }
        int finish_rc = sqlite3_backup_finish(backup);
        if (rc != SQLITE_DONE) {
            fs::remove(tmp_path);
            sqlite::check(dest.get(), finish_rc != SQLITE_OK ? finish_rc : rc, "backup step");
        }
        // The copy inherits WAL mode from the source header; fold everything into the main file so
        // the backup is one self-contained file.
        dest.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    fs::remove(fs::path(tmp_path.string() + "-wal"));
    fs::remove(fs::path(tmp_path.string() + "-shm"));
    fsync_path(tmp_path, false);
    fs::rename(tmp_path, final_path);
    fsync_path(dir, true);
    log::store().info("store: backup written to {}", final_path.string());
    return {final_path, now};
}

std::vector<fs::path> rotate(const fs::path& dir, int hourly, int daily) {
    auto backups = list(dir);  // newest first
    std::set<fs::path> keep;
    auto keep_newest_per_bucket = [&](time_ms bucket_ms, int buckets) {
        std::set<time_ms> seen;
        for (const auto& b : backups) {
            if (static_cast<int>(seen.size()) >= buckets) break;
            if (seen.insert(floor_div(b.ts, bucket_ms)).second) keep.insert(b.path);
        }
    };
    keep_newest_per_bucket(ms_per_hour, hourly);
    keep_newest_per_bucket(ms_per_day, daily);
    if (!backups.empty()) keep.insert(backups.front().path);  // never delete the newest
    std::vector<fs::path> deleted;
    for (const auto& b : backups) {
        if (keep.count(b.path) != 0) continue;
        std::error_code ec;
        if (fs::remove(b.path, ec)) deleted.push_back(b.path);
    }
    return deleted;
}

std::string verify(const fs::path& file) {
    try {
        sqlite::db conn = sqlite::db::open(file, true);
        auto stmt = conn.prepare("PRAGMA quick_check");
        std::string result;
        while (stmt.step()) {
            if (!result.empty()) result += "; ";
            result += stmt.column_text(0);
        }
        return result.empty() ? "quick_check returned nothing" : result;
    } catch (const sqlite::error& e) {
        return e.what();
    }
}

void copy_durably(const fs::path& from, const fs::path& to) {
    const fs::path tmp = fs::path(to.string() + ".restore-tmp");
    fs::copy_file(from, tmp, fs::copy_options::overwrite_existing);
    fsync_path(tmp, false);
    fs::rename(tmp, to);
    fsync_path(to.has_parent_path() ? to.parent_path() : fs::path("."), true);
}

fs::path move_aside(const fs::path& db_path, time_ms now) {
    const std::string base = db_path.string() + ".corrupt-" + std::to_string(now);
    std::error_code ec;
    for (const char* suffix : {"-wal", "-shm"}) {
        fs::path side(db_path.string() + suffix);
        if (fs::exists(side, ec)) fs::rename(side, fs::path(base + suffix));
    }
    fs::rename(db_path, base);
    fsync_path(db_path.has_parent_path() ? db_path.parent_path() : fs::path("."), true);
    return base;
}

}  // namespace hearth::store_backup
