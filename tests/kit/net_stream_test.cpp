// http_client::stream() against the in-test server: parts split across reads arrive whole and
// in order, on_open comes first, the end of the stream is reported, a Digest challenge is answered, a non-multipart
// answer is invalid, and stopping or destroying with the stream open calls nothing.
#include "net_test_server.hpp"

#include <hearth/kit/http_client.hpp>

#include <gtest/gtest.h>

#include <optional>

namespace hearth::kit {
namespace {

using namespace std::chrono_literals;
using test::server_reply;
using test::server_request;

const std::string head =
    "HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=boundary\r\nConnection: close\r\n\r\n";

server_reply alert_stream() {
    server_reply r;
    r.what = server_reply::kind::raw;
    r.gap = 20ms;  // separate writes, so the parts reach the client in several reads
    r.pieces = {head + "--boundary\r\nContent-Type: application/xml\r\n\r\n<a>1</a>\r\n--boun",
                "dary\r\nContent-Type: application/xml\r\nContent-Length: 8\r\n\r\n<a>",
                "2</a>\r\n--boundary\r\nContent-Type: text/plain\r\n\r\nthree\r\n--boundary--\r\n"};
    return r;
}

http_options stream_options_for(std::uint16_t port) {
    http_options o;
    o.host = "127.0.0.1";
    o.port = port;
    return o;
}

TEST(http_stream, parts_split_across_reads_arrive_whole_then_the_end_is_reported) {
    boost::asio::io_context io;
    test::http_server server(io, [](const server_request&) { return alert_stream(); });
    http_client client(io, stream_options_for(server.port()));
    std::vector<std::string> bodies;
    std::optional<net_error> end;
    auto handle = client.stream(
        "/ISAPI/Event/notification/alertStream", [&](const multipart_part& p) { bodies.push_back(p.body); },
        [&](const net_error& e) { end = e; });
    ASSERT_TRUE(test::run_until(io, [&] { return end.has_value(); }));
    EXPECT_EQ(bodies, (std::vector<std::string>{"<a>1</a>", "<a>2</a>", "three"}));
    EXPECT_EQ(end->code, status::offline);
    EXPECT_NE(end->message.find("stream GET /ISAPI/Event/notification/alertStream"), std::string::npos) << end->message;
}

TEST(http_stream, on_open_comes_once_when_accepted_before_the_first_part) {
    boost::asio::io_context io;
    test::http_server server(io, [](const server_request&) { return alert_stream(); });
    http_client client(io, options_for(server.port()));
    std::vector<std::string> seen;
    std::optional<net_error> end;
    auto handle = client.stream(
        "/s", [&](const multipart_part& p) { seen.push_back(p.body); }, [&](const net_error& e) { end = e; },
        [&] { seen.emplace_back("open"); });
    ASSERT_TRUE(test::run_until(io, [&] { return end.has_value(); }));
    EXPECT_EQ(seen, (std::vector<std::string>{"open", "<a>1</a>", "<a>2</a>", "three"}));
}

TEST(http_stream, a_part_arrives_while_the_stream_stays_open) {
    boost::asio::io_context io;
    test::http_server server(io, [](const server_request&) {
        server_reply r;
        r.what = server_reply::kind::raw;
        r.pieces = {head + "--boundary\r\n\r\n<a>1</a>\r\n--boundary\r\n", "never"};
        r.gap = 10'000ms;  // the stream stays open, far below any read buffer's size
        return r;
    });
    http_client client(io, options_for(server.port()));
    std::vector<std::string> bodies;
    bool ended = false;
    auto handle = client.stream(
        "/s", [&](const multipart_part& p) { bodies.push_back(p.body); }, [&](const net_error&) { ended = true; });
    ASSERT_TRUE(test::run_until(
        io, [&] { return !bodies.empty(); }, 5000ms));
    EXPECT_EQ(bodies, std::vector<std::string>{"<a>1</a>"});
    EXPECT_FALSE(ended);
}

TEST(http_stream, a_non_multipart_answer_is_invalid) {
    boost::asio::io_context io;
    test::http_server server(io, [](const server_request&) {
        server_reply r;
        r.body = "plain";
        return r;
    });
    http_client client(io, stream_options_for(server.port()));
    std::optional<net_error> end;
    bool opened = false;
    auto handle = client.stream(
        "/s", [](const multipart_part&) {}, [&](const net_error& e) { end = e; }, [&] { opened = true; });
    ASSERT_TRUE(test::run_until(io, [&] { return end.has_value(); }));
    EXPECT_FALSE(opened);  // a refused stream never opened
    EXPECT_EQ(end->code, status::invalid);
    EXPECT_EQ(end->message, "stream GET /s: not a multipart stream (Content-Type \"text/plain\")");
}

TEST(http_stream, a_basic_challenge_is_answered_on_the_stream_connection) {
    boost::asio::io_context io;
    test::http_server server(io, [](const server_request& r) {
        if (r.authorization.empty()) {
            server_reply c;
            c.status = 401;
            c.headers["WWW-Authenticate"] = "Basic realm=\"cam\"";
            return c;
        }
        return alert_stream();
    });
    auto o = stream_options_for(server.port());
    o.username = "admin";
    o.password = "secret";
    http_client client(io, o);
    int parts = 0;
    std::optional<net_error> end;
    auto handle = client.stream(
        "/s", [&](const multipart_part&) { ++parts; }, [&](const net_error& e) { end = e; });
    ASSERT_TRUE(test::run_until(io, [&] { return end.has_value(); }));
    EXPECT_EQ(parts, 3);
}

TEST(http_stream, stopping_or_destroying_with_the_stream_open_calls_nothing) {
    boost::asio::io_context io;
    int requests = 0;
    test::http_server server(io, [&](const server_request&) {
        ++requests;
        server_reply r;
        r.what = server_reply::kind::raw;
        r.pieces = {head + "--boundary\r\n\r\nfirst\r\n--boundary\r\n", "never"};
        r.gap = 10'000ms;
        return r;
    });
    int calls = 0;
    {
        http_client client(io, stream_options_for(server.port()));
        auto stopped = client.stream(
            "/a", [&](const multipart_part&) { ++calls; }, [&](const net_error&) { ++calls; });
        ASSERT_TRUE(test::run_until(io, [&] { return requests == 1; }));
        stopped.stop();
        auto open = client.stream(
            "/b", [&](const multipart_part&) {}, [&](const net_error&) { ++calls; });
        ASSERT_TRUE(test::run_until(io, [&] { return requests == 2; }));
    }  // client and the open stream's handle destroyed mid-stream
    test::run_until(
        io, [] { return false; }, 200ms);
    EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace hearth::kit
