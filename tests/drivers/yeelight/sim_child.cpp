// Role: implementation of the simulator process helpers and the blocking test client
// (see sim_child.hpp).
#include "sim_child.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#ifndef YEELIGHT_SIM_PATH
#error "YEELIGHT_SIM_PATH must be defined to the path of the built yeelight_sim"
#endif

namespace yeelight_test {

namespace {

sockaddr_in loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

int connect_to(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in a = loopback(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
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
        const int fd = connect_to(port);
        if (fd >= 0) {
            ::close(fd);
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

sim_child::sim_child(int port, std::vector<std::string> extra) : port_(port), extra_(std::move(extra)) {
    log_path_ = "/tmp/yeelight_sim_" + std::to_string(::getpid()) + "_" + std::to_string(port_) + ".log";
    std::vector<std::string> argv = {YEELIGHT_SIM_PATH, "--port", std::to_string(port_)};
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
        const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
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
        throw std::runtime_error("yeelight_sim did not start listening on port " + std::to_string(port_));
    }
}

sim_child::~sim_child() { stop(); }

void sim_child::stop() {
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

nlohmann::json sim_request(int port, const std::string& method, const nlohmann::json& params) {
    const int fd = connect_to(port);
    if (fd < 0) return nullptr;
    const std::uint64_t id = 4242;
    const std::string line = nlohmann::json{{"id", id}, {"method", method}, {"params", params}}.dump() + "\r\n";
    if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
        ::close(fd);
        return nullptr;
    }
    std::string buffer;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    nlohmann::json reply;
    while (reply.is_null() && std::chrono::steady_clock::now() < until) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        char chunk[4096];
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) break;
        buffer.append(chunk, static_cast<std::size_t>(n));
        for (auto nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n')) {
            const auto j = nlohmann::json::parse(buffer.substr(0, nl), nullptr, false);
            buffer.erase(0, nl + 1);
            if (j.is_object() && j.contains("id") && j["id"] == id) reply = j;
        }
    }
    ::close(fd);
    return reply;
}

}  // namespace yeelight_test
