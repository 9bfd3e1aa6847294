// Child processes for the hearthctl integration test: fork + prctl(PR_SET_PDEATHSIG, SIGKILL) +
// exec (so a crashed test never leaves a broker or daemon behind), stopped only by their own PID
// (SIGTERM, bounded wait, then SIGKILL), and a bounded "run to completion and capture stdout,
// stderr and the exit code" for the hearthctl binary. Also free-port probing and temp dirs.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hearth::ctl_test {

/// Starts `argv[0]` (absolute path) with stdout and stderr appended to `log_path`.
/// Throws std::runtime_error when fork fails.
pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log_path);

/// SIGTERM to `pid`, waits up to `grace`, then SIGKILL; always reaps. No-op for pid <= 0.
void stop(pid_t pid, std::chrono::milliseconds grace = std::chrono::seconds(5));

/// True while `pid` runs (reaps it if it exited).
bool alive(pid_t pid);

/// The outcome of run().
struct run_result {
    int code = -1;  ///< exit code; -1 when killed by a signal or by the timeout
    std::string out;
    std::string err;
};

/// Runs `argv` to completion (SIGKILL after `timeout`), capturing stdout and stderr through files
/// in `dir`.
run_result run(const std::vector<std::string>& argv, const std::filesystem::path& dir,
               std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// A loopback TCP port that was free a moment ago.
std::uint16_t free_port();

/// True if something accepts TCP connections on 127.0.0.1:`port`.
bool port_accepts(std::uint16_t port);

/// A fresh directory under $TMPDIR (or /tmp).
std::filesystem::path make_temp_dir(const std::string& tag);

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text);

}  // namespace hearth::ctl_test
