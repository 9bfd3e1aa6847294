// hearthd under the bench harness: writes a config for the bench driver (and optional scene file),
// starts hearthd with NOTIFY_SOCKET pointing at a datagram socket of ours so start-to-READY is
// measured the way systemd sees it, reads the RSS of hearthd and its driver workers, and stops it.
#pragma once

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace hearth::bench {

/// CPU time (user + system) a process has used so far, in seconds (0 if it is gone).
double cpu_seconds_of(pid_t pid);

/// Paths of the build the harness runs against.
struct build_paths {
    std::filesystem::path hearthd;
    std::filesystem::path plugin_dir;  ///< holds bench.so
};

struct hearthd_options {
    std::string mqtt_url;
    std::string isolation = "process";  ///< or "inproc"
    nlohmann::json driver_config;       ///< the bench driver's config
    nlohmann::json scenes;              ///< a scene file's JSON, or null for none
    std::string log_level = "warn";
};

class hearthd_run {
public:
    /// `dir` holds config, database, scenes and log (kept across start() calls).
    hearthd_run(build_paths paths, std::filesystem::path dir, hearthd_options options);
    ~hearthd_run();
    hearthd_run(const hearthd_run&) = delete;
    hearthd_run& operator=(const hearthd_run&) = delete;

    /// Starts hearthd and waits for READY=1 (throws after `timeout`); returns start-to-READY.
    std::chrono::microseconds start(std::chrono::seconds timeout = std::chrono::seconds(30));
    /// SIGTERM and wait (SIGKILL after 10 s).
    void stop();
    [[nodiscard]] pid_t pid() const { return pid_; }
    [[nodiscard]] std::filesystem::path database() const { return dir_ / "hearth.db"; }
    [[nodiscard]] std::filesystem::path log() const { return dir_ / "hearthd.log"; }
    /// VmRSS of hearthd alone, and of hearthd + its direct children (driver workers), in KiB.
    [[nodiscard]] std::uint64_t rss_kib() const;
    [[nodiscard]] std::uint64_t rss_with_workers_kib() const;
    /// PSS of hearthd + its workers in KiB: the memory they really add (shared libraries counted once).
    [[nodiscard]] std::uint64_t pss_with_workers_kib() const;
    /// Resident KiB of the bench timeline file mapped into hearthd and its workers: the bench
    /// driver touches a new page every 512 updates, which is the harness's memory, not Hearth's.
    [[nodiscard]] std::uint64_t timeline_rss_kib() const;
    /// CPU seconds used so far by hearthd, and by its driver workers.
    [[nodiscard]] double cpu_seconds() const { return pid_ > 0 ? cpu_seconds_of(pid_) : 0; }
    [[nodiscard]] double worker_cpu_seconds() const;
    /// CPU seconds used so far by each live thread, keyed "hearthd/<thread name>" and
    /// "worker/<thread name>" (threads of one name are summed; threads that ended are not listed).
    [[nodiscard]] std::map<std::string, double> thread_cpu_seconds() const;

private:
    build_paths paths_;
    std::filesystem::path dir_;
    hearthd_options options_;
    pid_t pid_ = -1;
};

/// Resident KiB of the mappings of files whose path contains `part` (from /proc/<pid>/smaps).
std::uint64_t mapped_rss_kib_of(pid_t pid, const std::string& part);
/// Proportional set size (shared pages split between their users) in KiB, from smaps_rollup.
std::uint64_t pss_kib_of(pid_t pid);
/// VmRSS of a process in KiB (0 if it is gone).
std::uint64_t rss_kib_of(pid_t pid);
/// Direct children of `pid` (from /proc/<pid>/task/*/children).
std::vector<pid_t> children_of(pid_t pid);
/// Rows of `sql` (a SELECT COUNT(*)-like query returning one integer) on a database file.
std::int64_t query_int(const std::filesystem::path& db, const std::string& sql);

}  // namespace hearth::bench
