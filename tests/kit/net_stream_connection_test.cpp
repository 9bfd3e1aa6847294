// stream_connection against a raw TCP peer on 127.0.0.1: binary bytes (NULs included) are sent
// whole and arrive in order across reads, the peer's close is reported as offline, a refused
// connect is offline, and close() silences everything.
#include "net_test_server.hpp"

#include <hearth/kit/stream_connection.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <optional>

namespace hearth::kit {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using byte_vector = std::vector<std::uint8_t>;

/// Accepts one connection, reads `expect` bytes into `got`, writes `pieces` (20 ms apart), closes.
struct byte_peer {
    byte_peer(asio::io_context& io, std::size_t expect, std::vector<byte_vector> pieces)
        : acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {
        asio::co_spawn(io, serve(expect, std::move(pieces)), asio::detached);
    }
    asio::awaitable<void> serve(std::size_t expect, std::vector<byte_vector> pieces) {
        boost::system::error_code ec;
        auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        byte_vector in(expect);
        co_await asio::async_read(socket, asio::buffer(in), asio::redirect_error(asio::use_awaitable, ec));
        got = in;
        for (const auto& piece : pieces) {
            co_await asio::async_write(socket, asio::buffer(piece), asio::redirect_error(asio::use_awaitable, ec));
            asio::steady_timer gap(socket.get_executor(), 20ms);
            co_await gap.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        socket.close();
    }
    [[nodiscard]] std::uint16_t port() const { return acceptor.local_endpoint().port(); }

    tcp::acceptor acceptor;
    byte_vector got;
};

stream_options stream_conn_options(std::uint16_t port) {
    stream_options o;
    o.host = "127.0.0.1";
    o.port = port;
    return o;
}

TEST(stream_connection, binary_bytes_go_out_whole_and_come_back_in_order) {
    asio::io_context io;
    const byte_vector a{0x00, 0x00, 0x55, 0xAA, 0x00};
    const byte_vector b{0x00, 0x0A, 0xFF, 0x00, 0x00, 0xAA, 0x55};
    byte_peer peer(io, 6, {a, b});
    stream_connection conn(io, stream_conn_options(peer.port()));
    byte_vector received;
    std::optional<net_error> closed;
    conn.on_data([&](const byte_vector& chunk) { received.insert(received.end(), chunk.begin(), chunk.end()); });
    conn.on_closed([&](const net_error& e) { closed = e; });
    conn.connect([&](std::optional<net_error> e) {
        EXPECT_FALSE(e.has_value());
        EXPECT_TRUE(conn.send({0x00, 0x01, 0x02}));
        EXPECT_TRUE(conn.send({0x00, 0xFE, 0xFF}));
    });
    ASSERT_TRUE(test::run_until(io, [&] { return closed.has_value(); }));
    EXPECT_EQ(peer.got, (byte_vector{0x00, 0x01, 0x02, 0x00, 0xFE, 0xFF}));
    byte_vector expected = a;
    expected.insert(expected.end(), b.begin(), b.end());
    EXPECT_EQ(received, expected);
    EXPECT_EQ(closed->code, status::offline);
    EXPECT_EQ(closed->message, "127.0.0.1:" + std::to_string(peer.port()) + " closed the connection");
    EXPECT_FALSE(conn.connected());
    EXPECT_FALSE(conn.send({1}));
}

TEST(stream_connection, a_refused_connect_is_offline) {
    asio::io_context io;
    std::uint16_t port = 0;
    {
        tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
        port = a.local_endpoint().port();
    }
    stream_connection conn(io, stream_conn_options(port));
    std::optional<std::optional<net_error>> done;
    conn.connect([&](std::optional<net_error> e) { done = e; });
    ASSERT_TRUE(test::run_until(io, [&] { return done.has_value(); }));
    ASSERT_TRUE(done->has_value());
    EXPECT_EQ((*done)->code, status::offline);
    EXPECT_NE((*done)->message.find("cannot connect to 127.0.0.1:" + std::to_string(port)), std::string::npos);
}

TEST(stream_connection, close_silences_every_callback) {
    asio::io_context io;
    byte_peer peer(io, 1, {{1, 2}, {3}});
    int calls = 0;
    {
        stream_connection conn(io, stream_conn_options(peer.port()));
        conn.on_data([&](const byte_vector&) { ++calls; });
        conn.on_closed([&](const net_error&) { ++calls; });
        conn.connect([&](std::optional<net_error>) { conn.send({9}); });
        ASSERT_TRUE(test::run_until(io, [&] { return !peer.got.empty(); }));
        conn.close();
    }
    test::run_until(
        io, [] { return false; }, 100ms);
    EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace hearth::kit
