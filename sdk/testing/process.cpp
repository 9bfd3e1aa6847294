// Child process helpers (see process.hpp).
#include <hearth/testing/process.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <thread>

namespace hearth::testing {

namespace {
using steady = std::chrono::steady_clock;

exit_info decode(int status) {
    exit_info info;
    info.exited = true;
    if (WIFEXITED(status)) {
        info.code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        info.signalled = true;
        info.code = WTERMSIG(status);
    }
    return info;
}

/// fork + exec with stdout to `out` and stderr to `err` (the same file when equal).
pid_t spawn_redirected(const std::vector<std::string>& argv, const std::string& out, const std::string& err,
                       const spawn_options& options) {
    // Everything the child needs is prepared before fork: after fork only async-signal-safe calls.
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_strings;
    std::vector<char*> env;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        bool replaced = false;
        for (const auto& [k, v] : options.env) replaced = replaced || entry.rfind(k + "=", 0) == 0;
        if (!replaced) env_strings.push_back(entry);
    }
    for (const auto& [k, v] : options.env) env_strings.push_back(k + "=" + v);
    for (auto& e : env_strings) env.push_back(e.data());
    env.push_back(nullptr);
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (options.truncate_log ? O_TRUNC : O_APPEND);
    const pid_t parent = ::getpid();

    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0) {
        if (options.own_process_group) ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(126);  // the parent died before prctl took effect
        const int out_fd = ::open(out.c_str(), flags, 0644);
        const int err_fd = out == err ? out_fd : ::open(err.c_str(), flags, 0644);
        if (out_fd >= 0) ::dup2(out_fd, STDOUT_FILENO);
        if (err_fd >= 0) ::dup2(err_fd, STDERR_FILENO);
        const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        // No inherited sockets (e.g. the test's own MQTT connections) may outlive the test's use.
        ::close_range(3, ~0U, 0);
        ::execve(args[0], args.data(), env.data());
        ::_exit(127);
    }
    if (options.own_process_group) ::setpgid(pid, pid);  // also from this side: no race with a group signal
    return pid;
}
}  // namespace

pid_t spawn_process(const std::vector<std::string>& argv, const std::filesystem::path& log_path,
                    const spawn_options& options) {
    return spawn_redirected(argv, log_path.string(), log_path.string(), options);
}

std::optional<exit_info> try_reap(pid_t pid) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return decode(status);
    if (r < 0 && errno == ECHILD) return exit_info{true, false, -1, {}};
    return std::nullopt;
}

exit_info stop_process(pid_t pid, int signo, std::chrono::milliseconds grace) {
    const auto start = steady::now();
    if (auto gone = try_reap(pid)) return *gone;
    ::kill(pid, signo);
    const auto deadline = start + grace;
    while (steady::now() < deadline) {
        if (auto gone = try_reap(pid)) {
            gone->elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start);
            return *gone;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // reap poll, bounded by deadline
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    exit_info info = decode(status);
    info.exited = false;
    info.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start);
    return info;
}

int run_command(const std::vector<std::string>& argv, const std::filesystem::path& log_path,
                std::chrono::milliseconds timeout) {
    const pid_t pid = spawn_process(argv, log_path);
    const auto deadline = steady::now() + timeout;
    while (steady::now() < deadline) {
        if (auto done = try_reap(pid)) return done->signalled ? -1 : done->code;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    stop_process(pid, SIGKILL, std::chrono::milliseconds(0));
    return -1;
}

run_result run_capture(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                       std::chrono::milliseconds timeout) {
    static std::atomic<int> counter{0};
    const int n = ++counter;
    const std::filesystem::path out_path = dir / ("run-" + std::to_string(n) + ".out");
    const std::filesystem::path err_path = dir / ("run-" + std::to_string(n) + ".err");
    const pid_t pid = spawn_redirected(argv, out_path.string(), err_path.string(), spawn_options{{}, true});
    run_result r;
    const auto deadline = steady::now() + timeout;
    while (true) {
        if (auto done = try_reap(pid)) {
            if (!done->signalled) r.code = done->code;
            break;
        }
        if (steady::now() >= deadline) {
            stop_process(pid, SIGKILL, std::chrono::milliseconds(0));
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // reap poll, bounded by deadline
    }
    r.out = read_file(out_path);
    r.err = read_file(err_path);
    return r;
}

child_process::child_process(std::vector<std::string> argv, std::filesystem::path log_path, spawn_options options)
    : argv_(std::move(argv)), log_path_(std::move(log_path)), options_(std::move(options)) {}

child_process::~child_process() {
    if (pid_ > 0) stop_process(pid_, SIGKILL, std::chrono::milliseconds(0));
}

void child_process::start() {
    if (pid_ > 0) throw std::logic_error(argv_.front() + " is already running");
    pid_ = spawn_process(argv_, log_path_, options_);
}

bool child_process::wait_ready(const std::function<bool()>& ready, std::chrono::milliseconds deadline) {
    const auto until = steady::now() + deadline;
    while (steady::now() < until) {
        if (!running()) return false;
        if (ready()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // readiness poll, bounded
    }
    return false;
}

exit_info child_process::stop(int signo, std::chrono::milliseconds grace) {
    if (pid_ <= 0) return last_exit_;
    last_exit_ = stop_process(pid_, signo, grace);
    pid_ = -1;
    return last_exit_;
}

bool child_process::running() {
    if (pid_ <= 0) return false;
    if (auto gone = try_reap(pid_)) {
        last_exit_ = *gone;
        pid_ = -1;
        return false;
    }
    return true;
}

}  // namespace hearth::testing
