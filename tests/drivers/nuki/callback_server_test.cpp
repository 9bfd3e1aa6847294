// The callback server under a connection flood (issue 24, item 12): at most max_connections are
// held, the rest are closed at accept and counted, idle connections are dropped after the
// request deadline, and a real callback is still served afterwards.
#include "callback_server.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

int connect_to(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

template <class Pred>
bool eventually(Pred p, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!p()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

TEST(callback_server, a_connection_flood_is_bounded_and_idle_connections_time_out) {
    std::atomic<int> bodies{0};
    hearth::nuki::callback_server server("127.0.0.1", 0, "/cb/secret", [&](const nlohmann::json&) { ++bodies; },
                                         {8, 500ms});
    std::vector<int> idle;
    for (int i = 0; i < 300; ++i) {
        const int fd = connect_to(server.port());
        if (fd >= 0) idle.push_back(fd);
    }
    ASSERT_EQ(idle.size(), 300u);
    EXPECT_TRUE(eventually([&] { return server.refused() >= 292; }, 5s)) << server.refused();
    EXPECT_LE(server.open_connections(), 8u);
    // Idle connections are dropped after the request deadline.
    EXPECT_TRUE(eventually([&] { return server.open_connections() == 0; }, 5s)) << server.open_connections();
    for (int fd : idle) ::close(fd);

    // A real callback still gets through.
    const int fd = connect_to(server.port());
    ASSERT_GE(fd, 0);
    const std::string body = R"({"nukiId": 1, "state": 1})";
    const std::string req =
        "POST /cb/secret HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    ASSERT_EQ(::write(fd, req.data(), req.size()), static_cast<ssize_t>(req.size()));
    char buf[256] = {};
    const ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(buf).rfind("HTTP/1.1 200", 0), 0u) << buf;
    EXPECT_EQ(bodies.load(), 1);
}

}  // namespace
