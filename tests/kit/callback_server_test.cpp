// kit::callback_server on a real io_context (run by a test thread, as the driver's io thread
// runs it): under a connection flood at most max_connections are held, the rest are closed at
// accept and counted, idle connections are dropped after the request deadline, and a real
// callback is still served afterwards; wrong path, method, body or size never reach the handler.
#include <hearth/kit/callback_server.hpp>

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using hearth::kit::callback_server;

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

/// Sends `request` on a new connection and returns the whole answer ("" if none).
std::string round_trip(int port, const std::string& request) {
    const int fd = connect_to(port);
    if (fd < 0) return "";
    if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
        ::close(fd);
        return "";
    }
    std::string answer;
    char buf[512];
    for (ssize_t n = 0; (n = ::read(fd, buf, sizeof buf)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return answer;
}

std::string post(const std::string& path, const std::string& body, const std::string& method = "POST") {
    return method + " " + path +
           " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
}

class kit_callback_server : public ::testing::Test {
protected:
    /// Runs `fn` on the io thread and waits for its result.
    template <class Fn>
    auto on_io(Fn fn) {
        std::packaged_task<decltype(fn())()> task(fn);
        auto result = task.get_future();
        boost::asio::post(io, [&task] { task(); });
        return result.get();
    }
    template <class Pred>
    bool eventually(Pred p, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!on_io(p)) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(10ms);
        }
        return true;
    }
    void TearDown() override {
        on_io([this] { server.reset(); });
        work.reset();
        io.stop();
        if (thread.joinable()) thread.join();
    }
    void start(hearth::kit::callback_limits limits) {
        on_io([&] {
            server = std::make_unique<callback_server>(
                io, "127.0.0.1", 0, "/cb/secret", [this](const nlohmann::json& b) { bodies.push_back(b); }, limits);
        });
        port = on_io([this] { return server->port(); });
    }

    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
    std::thread thread{[this] { io.run(); }};
    std::unique_ptr<callback_server> server;
    std::vector<nlohmann::json> bodies;  ///< io thread only
    int port = 0;
};

TEST_F(kit_callback_server, a_connection_flood_is_bounded_and_idle_connections_time_out) {
    start({8, 500ms});
    std::vector<int> idle;
    for (int i = 0; i < 300; ++i) {
        const int fd = connect_to(port);
        if (fd >= 0) idle.push_back(fd);
    }
    ASSERT_EQ(idle.size(), 300u);
    EXPECT_TRUE(eventually([&] { return server->refused() >= 292; }, 5s)) << on_io([&] { return server->refused(); });
    EXPECT_LE(on_io([&] { return server->open_connections(); }), 8u);
    // Idle connections are dropped after the request deadline.
    EXPECT_TRUE(eventually([&] { return server->open_connections() == 0; }, 5s));
    for (int fd : idle) ::close(fd);

    // A real callback still gets through.
    const std::string answer = round_trip(port, post("/cb/secret", R"({"nukiId": 1, "state": 1})"));
    EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
    EXPECT_EQ(on_io([&] { return bodies.size(); }), 1u);
}

TEST_F(kit_callback_server, only_a_json_object_posted_to_the_path_within_the_limit_reaches_the_handler) {
    start({8, 2000ms, 64});
    EXPECT_EQ(round_trip(port, post("/cb/other", "{}")).rfind("HTTP/1.1 404", 0), 0u);
    EXPECT_EQ(round_trip(port, post("/cb/secret", "", "GET")).rfind("HTTP/1.1 405", 0), 0u);
    EXPECT_EQ(round_trip(port, post("/cb/secret", "[1, 2]")).rfind("HTTP/1.1 400", 0), 0u);
    EXPECT_EQ(round_trip(port, post("/cb/secret", "not json")).rfind("HTTP/1.1 400", 0), 0u);
    EXPECT_EQ(round_trip(port, post("/cb/secret", R"({"pad": ")" + std::string(100, 'x') + "\"}")), "");  // dropped
    EXPECT_EQ(on_io([&] { return bodies.size(); }), 0u);
    EXPECT_EQ(round_trip(port, post("/cb/secret", R"({"a": 1})")).rfind("HTTP/1.1 200", 0), 0u);
    on_io([&] { server->close(); });
    EXPECT_EQ(round_trip(port, post("/cb/secret", R"({"a": 2})")), "");  // closed: nothing listens
    EXPECT_EQ(on_io([&] { return bodies; }), std::vector<nlohmann::json>{nlohmann::json({{"a", 1}})});
}

}  // namespace
