// MQTT 3.1.1 fallback of hearthd's broker connection (mqtt_link): against a broker that speaks only
// 3.1.1 (a minimal fake on a free loopback port, since mosquitto 2 always accepts MQTT 5), the
// link first tries MQTT 5, is refused with CONNACK code 1, and connects again with 3.1.1.
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "mqtt/mqtt_link.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

/// Accepts connections on 127.0.0.1:<free port>; answers a CONNECT with protocol level 5 by
/// CONNACK "unacceptable protocol version" (1) and closes, accepts level 4 (3.1.1) and then
/// swallows whatever the client sends. Records the protocol level of every CONNECT.
class mqtt311_only_broker {
public:
    mqtt311_only_broker() {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 4) != 0)
            throw std::runtime_error("fake broker: cannot listen");
        socklen_t len = sizeof addr;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    ~mqtt311_only_broker() {
        stop_ = true;
        thread_.join();
        for (int fd : open_) ::close(fd);
        ::close(listen_fd_);
    }
    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] std::vector<int> levels() const {
        std::lock_guard lock(mutex_);
        return levels_;
    }

private:
    /// Reads exactly n bytes within the deadline; false on EOF, error or timeout.
    bool read_n(int fd, unsigned char* out, std::size_t n) {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        std::size_t got = 0;
        while (got < n) {
            if (stop_ || std::chrono::steady_clock::now() > deadline) return false;
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            const ssize_t r = ::read(fd, out + got, n - got);
            if (r <= 0) return false;
            got += static_cast<std::size_t>(r);
        }
        return true;
    }

    void serve(int fd) {
        unsigned char header = 0;
        if (!read_n(fd, &header, 1) || (header >> 4) != 1) return;  // CONNECT
        std::size_t remaining = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            unsigned char b = 0;
            if (!read_n(fd, &b, 1)) return;
            remaining |= static_cast<std::size_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) break;
        }
        if (remaining < 7 || remaining > 65536) return;
        std::vector<unsigned char> body(remaining);
        if (!read_n(fd, body.data(), remaining)) return;
        const int level = body[6];  // after the protocol name "\0\4MQTT"
        {
            std::lock_guard lock(mutex_);
            levels_.push_back(level);
        }
        const unsigned char connack[4] = {0x20, 0x02, 0x00, static_cast<unsigned char>(level == 4 ? 0 : 1)};
        if (::write(fd, connack, sizeof connack) != sizeof connack) return;
        if (level == 4) open_.push_back(fd);  // keep it open; closed by the destructor
    }

    void run() {
        while (!stop_) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) {
                for (int fd : open_) {  // swallow what the accepted client sends
                    unsigned char buf[4096];
                    pollfd q{fd, POLLIN, 0};
                    if (::poll(&q, 1, 0) > 0) (void)!::read(fd, buf, sizeof buf);
                }
                continue;
            }
            const int fd = ::accept(listen_fd_, nullptr, nullptr);
            if (fd < 0) continue;
            serve(fd);
            if (open_.empty() || open_.back() != fd) ::close(fd);
        }
    }

    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::vector<int> open_;
    mutable std::mutex mutex_;
    std::vector<int> levels_;
};

TEST(mqtt_link_fallback, a_broker_that_refuses_mqtt5_gets_mqtt_3_1_1) {
    mqtt311_only_broker broker;
    boost::asio::io_context loop;
    auto work = boost::asio::make_work_guard(loop);  // run_for keeps waiting for Paho's posts
    hearth::mqtt::link_settings settings;
    settings.url = "mqtt://127.0.0.1:" + std::to_string(broker.port());
    settings.client_id = "fallback-test";
    settings.will_topic = "fallback-test/state";
    settings.will_payload = "offline";
    settings.subscriptions = {"fallback-test/#"};
    settings.backoff_min = 100ms;
    hearth::mqtt::mqtt_link link(loop, settings);
    EXPECT_EQ(link.stats().protocol, 5);
    link.start();
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!link.connected() && std::chrono::steady_clock::now() < deadline) loop.run_for(50ms);
    ASSERT_TRUE(link.connected()) << "levels seen by the broker: " << ::testing::PrintToString(broker.levels());
    EXPECT_EQ(link.stats().protocol, 4);
    EXPECT_EQ(link.stats().maximum_packet_size, 0u);
    EXPECT_EQ(broker.levels(), (std::vector<int>{5, 4}));
    link.stop(200ms);
}

}  // namespace
