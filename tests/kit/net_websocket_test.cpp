// websocket_client against a Beast WebSocket peer on 127.0.0.1: a sent message arrives and the
// peer's messages are delivered whole and in order, the peer's close is reported as offline, an
// oversized message closes as invalid, a plain-HTTP peer that refuses the upgrade is offline, a
// refused connect is offline, and close() silences everything.
#include "net_test_server.hpp"

#include <hearth/kit/websocket_client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>

#include <gtest/gtest.h>

#include <optional>

namespace hearth::kit {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using namespace std::chrono_literals;

/// Accepts one WebSocket connection on /rpc, reads one message into `got`, sends `replies`,
/// then closes (a WebSocket close frame).
struct ws_peer {
    ws_peer(asio::io_context& io, std::vector<std::string> replies)
        : acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {
        asio::co_spawn(io, serve(std::move(replies)), asio::detached);
    }
    asio::awaitable<void> serve(std::vector<std::string> replies) {
        boost::system::error_code ec;
        auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        websocket::stream<beast::tcp_stream> ws(std::move(socket));
        co_await ws.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        beast::flat_buffer buffer;
        co_await ws.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        got = beast::buffers_to_string(buffer.data());
        for (const auto& r : replies) {
            co_await ws.async_write(asio::buffer(r), asio::redirect_error(asio::use_awaitable, ec));
        }
        co_await ws.async_close(websocket::close_code::normal, asio::redirect_error(asio::use_awaitable, ec));
    }
    [[nodiscard]] std::uint16_t port() const { return acceptor.local_endpoint().port(); }

    tcp::acceptor acceptor;
    std::string got;
};

websocket_options ws_options_for(std::uint16_t port) {
    websocket_options o;
    o.host = "127.0.0.1";
    o.port = port;
    o.target = "/rpc";
    o.max_message = 64;
    return o;
}

TEST(websocket_client, messages_both_ways_and_the_peer_close_is_reported) {
    asio::io_context io;
    ws_peer peer(io, {R"({"id":1,"result":{}})", R"({"method":"NotifyStatus","params":{}})"});
    websocket_client ws(io, ws_options_for(peer.port()));
    std::vector<std::string> messages;
    std::optional<net_error> closed;
    std::optional<std::optional<net_error>> connected;
    ws.on_message([&](const std::string& m) { messages.push_back(m); });
    ws.on_closed([&](const net_error& e) { closed = e; });
    ws.connect([&](std::optional<net_error> e) {
        connected = e;
        EXPECT_TRUE(ws.send(R"({"id":1,"src":"hearth","method":"Shelly.GetStatus"})"));
    });
    ASSERT_TRUE(test::run_until(io, [&] { return closed.has_value(); }));
    ASSERT_TRUE(connected.has_value());
    EXPECT_FALSE(connected->has_value());
    EXPECT_EQ(peer.got, R"({"id":1,"src":"hearth","method":"Shelly.GetStatus"})");
    EXPECT_EQ(messages,
              (std::vector<std::string>{R"({"id":1,"result":{}})", R"({"method":"NotifyStatus","params":{}})"}));
    EXPECT_EQ(closed->code, status::offline);
    EXPECT_EQ(closed->message, "ws://127.0.0.1:" + std::to_string(peer.port()) + "/rpc closed the connection");
    EXPECT_FALSE(ws.connected());
    EXPECT_FALSE(ws.send("late"));
}

TEST(websocket_client, an_oversized_message_closes_the_connection_as_invalid) {
    asio::io_context io;
    ws_peer peer(io, {"short", std::string(65, 'x'), "never"});
    websocket_client ws(io, ws_options_for(peer.port()));
    std::vector<std::string> messages;
    std::optional<net_error> closed;
    ws.on_message([&](const std::string& m) { messages.push_back(m); });
    ws.on_closed([&](const net_error& e) { closed = e; });
    ws.connect([&](std::optional<net_error>) { ws.send("hi"); });
    ASSERT_TRUE(test::run_until(io, [&] { return closed.has_value(); }));
    EXPECT_EQ(messages, (std::vector<std::string>{"short"}));
    EXPECT_EQ(closed->code, status::invalid);
    EXPECT_EQ(closed->message, "a message from ws://127.0.0.1:" + std::to_string(peer.port()) +
                                   "/rpc exceeds 64 bytes; connection closed");
}

TEST(websocket_client, a_refused_upgrade_and_a_refused_connect_are_offline) {
    asio::io_context io;
    test::http_server plain(io, [](const test::server_request&) {  // no upgrade: a plain 404
        test::server_reply r;
        r.status = 404;
        r.body = "not found";
        return r;
    });
    websocket_client ws(io, ws_options_for(plain.port()));
    std::optional<std::optional<net_error>> done;
    ws.connect([&](std::optional<net_error> e) { done = e; });
    ASSERT_TRUE(test::run_until(io, [&] { return done.has_value(); }));
    ASSERT_TRUE(done->has_value());
    EXPECT_EQ((*done)->code, status::offline);
    EXPECT_NE((*done)->message.find("the WebSocket upgrade of ws://127.0.0.1:"), std::string::npos) << (*done)->message;

    std::uint16_t port = 0;
    {
        tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
        port = a.local_endpoint().port();
    }
    websocket_client refused(io, ws_options_for(port));
    done.reset();
    refused.connect([&](std::optional<net_error> e) { done = e; });
    ASSERT_TRUE(test::run_until(io, [&] { return done.has_value(); }));
    ASSERT_TRUE(done->has_value());
    EXPECT_EQ((*done)->code, status::offline);
    EXPECT_NE((*done)->message.find("cannot connect to ws://127.0.0.1:" + std::to_string(port)), std::string::npos);
}

TEST(websocket_client, close_and_destruction_silence_every_callback) {
    asio::io_context io;
    ws_peer peer(io, {"one", "two"});
    int calls = 0;
    {
        websocket_client ws(io, ws_options_for(peer.port()));
        ws.on_message([&](const std::string&) { ++calls; });
        ws.on_closed([&](const net_error&) { ++calls; });
        ws.connect([&](std::optional<net_error>) { ws.send("hi"); });
        ASSERT_TRUE(test::run_until(io, [&] { return !peer.got.empty(); }));
        ws.close();
    }
    test::run_until(
        io, [] { return false; }, 100ms);
    EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace hearth::kit
