// Child processes for integration tests: fork + prctl(PR_SET_PDEATHSIG, SIGKILL) + exec, so a
// crashed or killed test run never leaves an orphan broker or daemon behind. Processes are only
// ever signalled by their own PID. Also: per-test temp dirs and small file helpers.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hearth::it {

/// Starts `argv[0]` (an absolute path) with `argv`; stdout and stderr are appended to `log_path`.
/// The child gets SIGKILL when the test process dies. Throws std::runtime_error if fork fails.
pid_t spawn_process(const std::vector<std::string>& argv, const std::filesystem::path& log_path);

/// Result of waiting for a child.
struct exit_info {
    bool exited = false;                   ///< the child is gone (reaped)
    bool signalled = false;                ///< it died from a signal
    int code = -1;                         ///< exit code or signal number
    std::chrono::milliseconds elapsed{0};  ///< from the stop request to the reap
};

/// Non-blocking: the exit info if `pid` has exited (and reaps it), nullopt while it runs.
std::optional<exit_info> try_reap(pid_t pid);

/// Sends `signo` to `pid`, waits up to `grace` for it to exit, then SIGKILLs and reaps it.
/// `exit_info::elapsed` measures the wait; `exited` is false if SIGKILL was needed.
exit_info stop_process(pid_t pid, int signo, std::chrono::milliseconds grace);

/// Runs a command to completion (bounded by `timeout`, then SIGKILL); returns its exit code, or
/// -1 on a timeout or signal. Output goes to `log_path`.
int run_command(const std::vector<std::string>& argv, const std::filesystem::path& log_path,
                std::chrono::milliseconds timeout = std::chrono::seconds(20));

/// A fresh directory under $TMPDIR (or /tmp), e.g. /tmp/hearth-it-<test>-XXXXXX.
std::filesystem::path make_temp_dir(const std::string& tag);

void write_file(const std::filesystem::path& path, const std::string& text);
std::string read_file(const std::filesystem::path& path);

/// The last `max_lines` lines of a text file ("" if it does not exist).
std::string tail_file(const std::filesystem::path& path, std::size_t max_lines);

}  // namespace hearth::it
