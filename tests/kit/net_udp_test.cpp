// udp_socket on 127.0.0.1: a request/response round trip between two sockets, a receive that
// times out with a precise message, and a bad destination address.
#include "net_test_server.hpp"

#include <hearth/kit/udp.hpp>

#include <gtest/gtest.h>

#include <optional>

namespace hearth::kit {
namespace {

using namespace std::chrono_literals;

udp_options loopback() {
    udp_options o;
    o.local_address = "127.0.0.1";
    return o;
}

TEST(udp_socket, a_request_and_its_reply_round_trip) {
    boost::asio::io_context io;
    udp_socket device(io, loopback());
    udp_socket client(io, loopback());
    device.receive(2000ms, [&](result<datagram> r) {
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r->data, "hello?");
        device.send_to(r->host, r->port, "hello!");
    });
    std::optional<result<datagram>> reply;
    std::optional<std::optional<net_error>> sent;
    client.send_to("127.0.0.1", device.local_port(), "hello?", [&](std::optional<net_error> e) { sent = e; });
    client.receive(2000ms, [&](result<datagram> r) { reply.emplace(std::move(r)); });
    ASSERT_TRUE(test::run_until(io, [&] { return reply.has_value(); }));
    ASSERT_TRUE(sent.has_value());
    EXPECT_FALSE(sent->has_value());
    ASSERT_TRUE(reply->ok()) << reply->error().message;
    EXPECT_EQ(reply->value().data, "hello!");
    EXPECT_EQ(reply->value().host, "127.0.0.1");
    EXPECT_EQ(reply->value().port, device.local_port());
}

TEST(udp_socket, a_silent_peer_times_out_and_the_socket_stays_usable) {
    boost::asio::io_context io;
    udp_socket client(io, loopback());
    std::optional<result<datagram>> first;
    client.receive(100ms, [&](result<datagram> r) { first.emplace(std::move(r)); });
    ASSERT_TRUE(test::run_until(io, [&] { return first.has_value(); }));
    ASSERT_FALSE(first->ok());
    EXPECT_EQ(first->error().code, status::timeout);
    EXPECT_EQ(first->error().message,
              "udp receive on port " + std::to_string(client.local_port()) + ": nothing within 100 ms");

    udp_socket peer(io, loopback());
    std::optional<result<datagram>> second;
    client.receive(2000ms, [&](result<datagram> r) { second.emplace(std::move(r)); });
    peer.send_to("127.0.0.1", client.local_port(), "late");
    ASSERT_TRUE(test::run_until(io, [&] { return second.has_value(); }));
    ASSERT_TRUE(second->ok()) << second->error().message;
    EXPECT_EQ(second->value().data, "late");
}

TEST(udp_socket, a_destination_that_is_not_an_address_is_invalid) {
    boost::asio::io_context io;
    udp_socket client(io, loopback());
    std::optional<std::optional<net_error>> sent;
    client.send_to("not an address", 1, "x", [&](std::optional<net_error> e) { sent = e; });
    ASSERT_TRUE(test::run_until(io, [&] { return sent.has_value(); }));
    ASSERT_TRUE(sent->has_value());
    EXPECT_EQ((*sent)->code, status::invalid);
}

TEST(udp_socket, destruction_with_a_receive_pending_calls_nothing) {
    boost::asio::io_context io;
    int calls = 0;
    {
        udp_socket client(io, loopback());
        client.receive(50ms, [&](result<datagram>) { ++calls; });
    }
    test::run_until(
        io, [] { return false; }, 150ms);
    EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace hearth::kit
