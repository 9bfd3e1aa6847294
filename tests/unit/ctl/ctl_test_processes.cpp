// Child processes for the hearthctl integration test (see ctl_test_processes.hpp).
#include "ctl_test_processes.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace hearth::ctl_test {

namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;

namespace {

/// fork + exec with stdout/stderr redirected to the given files (opened before the fork).
pid_t spawn_redirected(const std::vector<std::string>& argv, const fs::path& out_path, const fs::path& err_path,
                       bool append) {
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
    const int out_fd = ::open(out_path.c_str(), flags, 0644);
    const int err_fd = out_path == err_path ? out_fd : ::open(err_path.c_str(), flags, 0644);
    if (out_fd < 0 || err_fd < 0) throw std::runtime_error("cannot open " + out_path.string());
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
        ::dup2(out_fd, STDOUT_FILENO);
        ::dup2(err_fd, STDERR_FILENO);
        const int null_fd = ::open("/dev/null", O_RDONLY);
        if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(out_fd);
    if (err_fd != out_fd) ::close(err_fd);
    return pid;
}

/// Waits up to `timeout` for `pid` to exit; the wait status, or nullopt-like -1 when it still runs.
bool wait_exit(pid_t pid, std::chrono::milliseconds timeout, int& status) {
    const auto deadline = steady::now() + timeout;
    auto pause = std::chrono::milliseconds(1);
    while (true) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || r < 0) return true;
        if (steady::now() >= deadline) return false;
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
}

}  // namespace

pid_t spawn(const std::vector<std::string>& argv, const fs::path& log_path) {
    return spawn_redirected(argv, log_path, log_path, true);
}

void stop(pid_t pid, std::chrono::milliseconds grace) {
    if (pid <= 0) return;
    int status = 0;
    ::kill(pid, SIGTERM);
    if (wait_exit(pid, grace, status)) return;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
}

bool alive(pid_t pid) {
    if (pid <= 0) return false;
    int status = 0;
    return ::waitpid(pid, &status, WNOHANG) == 0;
}

run_result run(const std::vector<std::string>& argv, const fs::path& dir, std::chrono::milliseconds timeout) {
    static std::atomic<int> counter{0};
    const int n = ++counter;
    const fs::path out_path = dir / ("run-" + std::to_string(n) + ".out");
    const fs::path err_path = dir / ("run-" + std::to_string(n) + ".err");
    const pid_t pid = spawn_redirected(argv, out_path, err_path, false);
    int status = 0;
    run_result r;
    if (!wait_exit(pid, timeout, status)) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
    } else if (WIFEXITED(status)) {
        r.code = WEXITSTATUS(status);
    }
    r.out = read_file(out_path);
    r.err = read_file(err_path);
    return r;
}

std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot probe a free port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool port_accepts(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

fs::path make_temp_dir(const std::string& tag) {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl =
        (fs::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") / ("hearthctl-" + tag + "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return tmpl;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace hearth::ctl_test
