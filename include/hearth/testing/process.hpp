// Child processes for tests: fork + prctl(PR_SET_PDEATHSIG, SIGKILL) + exec, so a crashed or
// killed test run never leaves an orphan broker, daemon or simulator behind. Processes are only
// ever signalled by their own PID. child_process is the same as an object: readiness wait with a
// deadline, stop by PID, SIGKILL + reap on destruction.
#pragma once

#include <hearth/testing/temp_dir.hpp>

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hearth::testing {

/// How spawn_process() sets up the child.
struct spawn_options {
    std::vector<std::pair<std::string, std::string>> env;  ///< set in the child before exec
    bool truncate_log = false;                             ///< truncate the log instead of appending
    bool own_process_group = false;  ///< setpgid(0, 0): the child leads a process group (a shell job)
};

/// Starts `argv[0]` (an absolute path) with `argv`; stdout and stderr are appended to `log_path`,
/// stdin is /dev/null, no descriptor above 2 is inherited. The child gets SIGKILL when the test
/// process dies. Throws std::runtime_error if fork fails.
pid_t spawn_process(const std::vector<std::string>& argv, const std::filesystem::path& log_path,
                    const spawn_options& options = {});

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

/// The outcome of run_capture().
struct run_result {
    int code = -1;  ///< exit code; -1 when killed by a signal or by the timeout
    std::string out;
    std::string err;
};

/// Runs `argv` to completion (SIGKILL after `timeout`), capturing stdout and stderr separately
/// through files in `dir`.
run_result run_capture(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// One child process owned by a test: started by start(), stopped by PID, SIGKILLed and reaped
/// on destruction. Not thread-safe; use from the test thread.
class child_process {
public:
    /// Nothing starts until start(). `argv[0]` is an absolute path.
    child_process(std::vector<std::string> argv, std::filesystem::path log_path, spawn_options options = {});
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    /// Starts the process (again, with the same arguments). Throws std::logic_error if it runs.
    void start();

    /// Polls `ready()` until it is true (returns true), the child exits or `deadline` passes
    /// (returns false; the child keeps running in the last case).
    bool wait_ready(const std::function<bool()>& ready, std::chrono::milliseconds deadline);

    /// `signo` by PID, up to `grace` for it to exit, then SIGKILL. Returns how it ended; a no-op
    /// returning the last exit when it does not run.
    exit_info stop(int signo, std::chrono::milliseconds grace);

    /// True while the process runs (reaps it if it has exited).
    bool running();

    [[nodiscard]] pid_t pid() const { return pid_; }
    [[nodiscard]] const std::filesystem::path& log_path() const { return log_path_; }
    [[nodiscard]] std::string log() const { return read_file(log_path_); }
    [[nodiscard]] std::vector<std::string>& argv() { return argv_; }
    /// What the last exit looked like (after stop() or running() == false).
    [[nodiscard]] const exit_info& last_exit() const { return last_exit_; }

private:
    std::vector<std::string> argv_;
    std::filesystem::path log_path_;
    spawn_options options_;
    pid_t pid_ = -1;
    exit_info last_exit_;
};

}  // namespace hearth::testing
