// Role: the blocking yeelight protocol test client (see sim_client.hpp).
#include "sim_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

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

}  // namespace yeelight_test
