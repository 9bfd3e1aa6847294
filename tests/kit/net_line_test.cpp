// line_connection against a raw TCP peer on 127.0.0.1: lines split across reads, sent lines
// arrive with their line ending, an overlong line closes with status::invalid, the peer's close
// is reported, a refused connect is offline, and close() silences everything.
#include "net_test_server.hpp"

#include <hearth/kit/line_connection.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
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

/// Accepts one connection, reads one line from it into `got`, writes `pieces` (20 ms apart),
/// then closes.
struct line_peer {
    line_peer(asio::io_context& io, std::vector<std::string> pieces)
        : acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {
        asio::co_spawn(io, serve(std::move(pieces)), asio::detached);
    }
    asio::awaitable<void> serve(std::vector<std::string> pieces) {
        boost::system::error_code ec;
        auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            co_return;
        }
        std::string in;
        co_await asio::async_read_until(socket, asio::dynamic_buffer(in), "\n",
                                        asio::redirect_error(asio::use_awaitable, ec));
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
    std::string got;
};

line_options line_options_for(std::uint16_t port) {
    line_options o;
    o.host = "127.0.0.1";
    o.port = port;
    o.max_line = 32;
    return o;
}

TEST(line_connection, lines_split_across_reads_arrive_whole_and_the_close_is_reported) {
    asio::io_context io;
    line_peer peer(io, {R"({"id":1,"result":["ok"]})"
                        "\r\n{\"method\":\"pr",
                        "ops\"}\n\n"});
    line_connection conn(io, line_options_for(peer.port()));
    std::vector<std::string> lines;
    std::optional<net_error> closed;
    std::optional<std::optional<net_error>> connected;
    conn.on_line([&](const std::string& line) { lines.push_back(line); });
    conn.on_closed([&](const net_error& e) { closed = e; });
    conn.connect([&](std::optional<net_error> e) {
        connected = e;
        EXPECT_TRUE(conn.send_line(R"({"id":1,"method":"get_prop","params":["power"]})"));
    });
    ASSERT_TRUE(test::run_until(io, [&] { return closed.has_value(); }));
    ASSERT_TRUE(connected.has_value());
    EXPECT_FALSE(connected->has_value());
    EXPECT_EQ(peer.got, "{\"id\":1,\"method\":\"get_prop\",\"params\":[\"power\"]}\r\n");
    EXPECT_EQ(lines, (std::vector<std::string>{R"({"id":1,"result":["ok"]})", R"({"method":"props"})", ""}));
    EXPECT_EQ(closed->code, status::offline);
    EXPECT_EQ(closed->message, "127.0.0.1:" + std::to_string(peer.port()) + " closed the connection");
    EXPECT_FALSE(conn.connected());
    EXPECT_FALSE(conn.send_line("late"));
}

TEST(line_connection, an_overlong_line_closes_the_connection_as_invalid) {
    asio::io_context io;
    line_peer peer(io, {"short\n" + std::string(20, 'x'), std::string(20, 'y') + "\nnever\n"});
    line_connection conn(io, line_options_for(peer.port()));
    std::vector<std::string> lines;
    std::optional<net_error> closed;
    conn.on_line([&](const std::string& line) { lines.push_back(line); });
    conn.on_closed([&](const net_error& e) { closed = e; });
    conn.connect([&](std::optional<net_error>) { conn.send_line("hi"); });
    ASSERT_TRUE(test::run_until(io, [&] { return closed.has_value(); }));
    EXPECT_EQ(lines, (std::vector<std::string>{"short"}));
    EXPECT_EQ(closed->code, status::invalid);
    EXPECT_EQ(closed->message,
              "a line from 127.0.0.1:" + std::to_string(peer.port()) + " exceeds 32 bytes; connection closed");
}

TEST(line_connection, a_refused_connect_is_offline) {
    asio::io_context io;
    std::uint16_t port = 0;
    {
        tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
        port = a.local_endpoint().port();
    }
    line_connection conn(io, line_options_for(port));
    std::optional<std::optional<net_error>> done;
    conn.connect([&](std::optional<net_error> e) { done = e; });
    ASSERT_TRUE(test::run_until(io, [&] { return done.has_value(); }));
    ASSERT_TRUE(done->has_value());
    EXPECT_EQ((*done)->code, status::offline);
    EXPECT_NE((*done)->message.find("cannot connect to 127.0.0.1:" + std::to_string(port)), std::string::npos);
}

TEST(line_connection, close_and_destruction_silence_every_callback) {
    asio::io_context io;
    line_peer peer(io, {"one\n", "two\n"});
    int calls = 0;
    bool connected = false;
    {
        line_connection conn(io, line_options_for(peer.port()));
        conn.on_line([&](const std::string&) { ++calls; });
        conn.on_closed([&](const net_error&) { ++calls; });
        conn.connect([&](std::optional<net_error>) {
            connected = true;
            conn.send_line("hi");
        });
        ASSERT_TRUE(test::run_until(io, [&] { return !peer.got.empty(); }));
        conn.close();
    }
    test::run_until(
        io, [] { return false; }, 100ms);
    EXPECT_TRUE(connected);
    EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace hearth::kit
