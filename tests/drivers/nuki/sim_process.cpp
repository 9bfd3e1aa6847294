// Role: implementation of the simulator process helpers (see sim_process.hpp).
#include "sim_process.hpp"

#include "http_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#ifndef NUKI_SIM_PATH
#error "NUKI_SIM_PATH must be defined to the path of the built nuki_bridge_sim"
#endif

namespace nuki_test {

namespace {

sockaddr_in loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

}  // namespace

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in a = loopback(0);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        throw std::runtime_error("bind to port 0 failed");
    }
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

bool wait_listening(int port, std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a = loopback(port);
        const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        if (ok) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

sim_process::sim_process(int port, std::string token, std::vector<std::string> extra)
    : port_(port), token_(std::move(token)), extra_(std::move(extra)) {
    log_path_ = "/tmp/nuki_sim_" + std::to_string(::getpid()) + "_" + std::to_string(port_) + ".log";
    spawn();
}

sim_process::~sim_process() {
    stop();
    if (!keep_log_) ::unlink(log_path_.c_str());
}

void sim_process::spawn() {
    std::vector<std::string> argv = {NUKI_SIM_PATH, "--port", std::to_string(port_), "--token", token_};
    argv.insert(argv.end(), extra_.begin(), extra_.end());
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(126);
        const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            ::dup2(fd, STDOUT_FILENO);
            ::dup2(fd, STDERR_FILENO);
        }
        ::close_range(3, ~0U, 0);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    pid_ = pid;
    if (!wait_listening(port_, std::chrono::seconds(5))) {
        stop();
        throw std::runtime_error("nuki_bridge_sim did not start listening on port " + std::to_string(port_));
    }
}

void sim_process::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    int status = 0;
    while (std::chrono::steady_clock::now() < until) {
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

void sim_process::restart() {
    stop();
    spawn();
}

nlohmann::json sim_process::control(const std::string& target) const {
    hearth::nuki::http_request_spec spec;
    spec.host = "127.0.0.1";
    spec.port = port_;
    spec.target = target;
    spec.path_for_errors = target;
    spec.timeout = std::chrono::milliseconds(2000);
    const auto r = hearth::nuki::http_request(spec);
    if (!r.transport_ok) return nullptr;
    return nlohmann::json::parse(r.body, nullptr, false);
}

}  // namespace nuki_test
