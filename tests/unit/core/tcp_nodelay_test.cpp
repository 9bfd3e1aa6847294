// The broker-socket Nagle fix (src/mqtt/tcp_nodelay.*): url parsing, and TCP_NODELAY set on the
// socket connected to the broker's address and port only, with a loopback listener of the test.
#include "mqtt/tcp_nodelay.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using hearth::mqtt::parse_broker_url;
using hearth::mqtt::set_tcp_nodelay_to;

TEST(TcpNodelay, ParsesBrokerUrls) {
    auto e = parse_broker_url("mqtt://127.0.0.1:1884");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->host, "127.0.0.1");
    EXPECT_EQ(e->port, 1884);
    e = parse_broker_url("mqtts://hub.local");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->host, "hub.local");
    EXPECT_EQ(e->port, 8883);
    e = parse_broker_url("tcp://[::1]:1999/");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->host, "::1");
    EXPECT_EQ(e->port, 1999);
    EXPECT_FALSE(parse_broker_url("ws://host:80"));
    EXPECT_FALSE(parse_broker_url("mqtt://host:0"));
    EXPECT_FALSE(parse_broker_url("mqtt://:1883"));
    EXPECT_FALSE(parse_broker_url("127.0.0.1:1883"));
}

namespace {

/// A loopback listener on an ephemeral port.
struct listener {
    listener() {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof(a);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(fd, 4) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            throw std::runtime_error("listener");
        port = ntohs(a.sin_port);
    }
    ~listener() { ::close(fd); }
    int fd = -1;
    std::uint16_t port = 0;
};

int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) throw std::runtime_error("connect");
    return fd;
}

bool nodelay(int fd) {
    int v = 0;
    socklen_t len = sizeof(v);
    ::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len);
    return v != 0;
}

}  // namespace

TEST(TcpNodelay, SetsItOnTheBrokerSocketOnly) {
    listener broker;
    listener other;
    const int to_broker = connect_to(broker.port);
    const int to_other = connect_to(other.port);
    ASSERT_FALSE(nodelay(to_broker));
    EXPECT_EQ(set_tcp_nodelay_to({"127.0.0.1", broker.port}), 1);
    EXPECT_TRUE(nodelay(to_broker));
    EXPECT_FALSE(nodelay(to_other));
    EXPECT_EQ(set_tcp_nodelay_to({"127.0.0.2", other.port}), 0);  // same port, other address
    EXPECT_FALSE(nodelay(to_other));
    ::close(to_broker);
    ::close(to_other);
}
