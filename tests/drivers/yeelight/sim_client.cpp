// Role: the blocking yeelight protocol test client (see sim_client.hpp).
#include "sim_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

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

raw_bulb::raw_bulb(std::vector<connection> script) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener_, 4) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        return;  // port() stays 0: the test's connect fails and says so
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, script = std::move(script)]() mutable { serve(std::move(script)); });
}

raw_bulb::~raw_bulb() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        for (const int fd : open_) ::shutdown(fd, SHUT_RDWR);
    }
    if (listener_ >= 0) ::shutdown(listener_, SHUT_RDWR);  // wakes a blocked accept()
    if (thread_.joinable()) thread_.join();
    for (const int fd : open_) ::close(fd);
    if (listener_ >= 0) ::close(listener_);
}

void raw_bulb::serve(std::vector<connection> script) {
    for (auto& c : script) {
        const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) return;
        {
            std::lock_guard lock(mutex_);
            open_.push_back(fd);
            if (stopping_) return;
        }
        std::string in;
        char chunk[4096];
        while (in.find('\n') == std::string::npos) {
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return;
            in.append(chunk, static_cast<std::size_t>(n));
        }
        const auto request = nlohmann::json::parse(in.substr(0, in.find('\n')), nullptr, false);
        const std::string id = request.is_object() ? request.value("id", nlohmann::json(0)).dump() : "0";
        for (auto piece : c.pieces) {
            if (const auto at = piece.find("{id}"); at != std::string::npos) piece.replace(at, 4, id);
            if (::send(fd, piece.data(), piece.size(), MSG_NOSIGNAL) < 0) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));  // separate segments, not sync
        }
        if (c.close_after) ::shutdown(fd, SHUT_RDWR);
    }
}

}  // namespace yeelight_test
