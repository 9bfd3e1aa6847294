// Child process helpers (see process.hpp).
#include "support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace hearth::it {

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
}  // namespace

pid_t spawn_process(const std::vector<std::string>& argv, const std::filesystem::path& log_path) {
    // Everything the child needs is prepared before fork: after fork only async-signal-safe calls.
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const std::string log = log_path.string();
    const pid_t parent = ::getpid();

    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(126);  // the parent died before prctl took effect
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            ::dup2(fd, STDOUT_FILENO);
            ::dup2(fd, STDERR_FILENO);
        }
        const int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        // No inherited sockets (e.g. the test's own MQTT connections) may outlive the test's use.
        ::close_range(3, ~0U, 0);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    return pid;
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

std::filesystem::path make_temp_dir(const std::string& tag) {
    const char* base = std::getenv("TMPDIR");
    std::string safe = tag;
    for (char& c : safe) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '_';
    }
    const std::string tmpl =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/hearth-it-" + safe + "-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
    return std::filesystem::path(buf.data());
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path.string());
    out << text;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string tail_file(const std::filesystem::path& path, std::size_t max_lines) {
    std::ifstream in(path);
    std::deque<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        lines.push_back(line);
        if (lines.size() > max_lines) lines.pop_front();
    }
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

}  // namespace hearth::it
