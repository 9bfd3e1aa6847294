// Backup files and file-level safety for the store: online backups with the sqlite3 backup API,
// rotation (newest per hour for N hours + newest per day for N days), verification with
// quick_check, durable copy/rename (fsync file and directory), and moving a corrupt database
// aside together with its -wal/-shm files. Backup files are named `hearth-<ms>.db`.
#pragma once

#include "store/sqlite.hpp"
#include "store/store_types.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace hearth::store_backup {

/// Backups in `dir` (files named hearth-<ms>.db), newest first. Missing dir -> empty.
std::vector<backup_info> list(const std::filesystem::path& dir);

/// Copy the open database `src` into `dir` as hearth-<now>.db: backup API in steps of
/// `pages_per_step` pages, into a temp file that is fsync'd, renamed, and the dir fsync'd.
backup_info take(sqlite::db& src, const std::filesystem::path& dir, time_ms now, int pages_per_step = 256);

/// Delete backups not kept by the policy; returns the deleted paths.
std::vector<std::filesystem::path> rotate(const std::filesystem::path& dir, int hourly, int daily);

/// Open `file` read-only and run quick_check; "ok" on success, else the reason.
std::string verify(const std::filesystem::path& file);

/// Copy `from` to `to` via a temp file + fsync + rename + dir fsync.
void copy_durably(const std::filesystem::path& from, const std::filesystem::path& to);

/// Rename `db_path` (and -wal, -shm if present) to `<db_path>.corrupt-<now>[-wal|-shm]`;
/// returns the new main path.
std::filesystem::path move_aside(const std::filesystem::path& db_path, time_ms now);

/// fsync a file or directory; throws std::system_error on failure.
void fsync_path(const std::filesystem::path& path, bool directory);

}  // namespace hearth::store_backup
