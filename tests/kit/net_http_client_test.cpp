// http_client against the in-test server on 127.0.0.1: keep-alive and transparent reconnect,
// timeout, body cap, HTTP errors, Basic and Digest auth, JSON helpers, malformed answers, and
// destruction with a request in flight.
#include "net_test_server.hpp"

#include <hearth/kit/digest_auth.hpp>
#include <hearth/kit/http_client.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <optional>

namespace hearth::kit {
namespace {

using test::run_until;
using test::server_reply;
using test::server_request;
using namespace std::chrono_literals;

http_options options_for(std::uint16_t port) {
    http_options o;
    o.host = "127.0.0.1";
    o.port = port;
    o.timeout = 5000ms;
    return o;
}

server_reply ok(std::string body) {
    server_reply r;
    r.body = std::move(body);
    return r;
}

/// Runs one request and returns its result.
result<http_response> fetch(boost::asio::io_context& io, http_client& client, http_request req) {
    std::optional<result<http_response>> out;
    client.request(std::move(req), [&](result<http_response> r) { out.emplace(std::move(r)); });
    EXPECT_TRUE(run_until(io, [&] { return out.has_value(); }));
    return out ? std::move(*out) : result<http_response>(net_error{status::internal, "no answer"});
}

http_request get(std::string target) {
    http_request r;
    r.target = std::move(target);
    return r;
}

/// A device demanding Digest auth (RFC 7616) for every request.
struct digest_device {
    std::string algorithm = "MD5";
    std::string user = "admin";
    std::string pass = "secret";
    std::string nonce = "4e6f6e6365";
    int challenges = 0;
    std::vector<std::string> ncs;  // nonce counts of accepted requests

    server_reply guard(const server_request& r, server_reply good) {
        if (r.authorization.rfind("Digest ", 0) == 0) {
            auto p = parse_auth_params(std::string_view(r.authorization).substr(7));
            digest_inputs in;
            in.algorithm = algorithm;
            in.username = p["username"];
            in.password = pass;
            in.realm = "cam";
            in.nonce = nonce;
            in.method = r.method;
            in.uri = p["uri"];
            in.qop = p["qop"];
            in.nc = p["nc"];
            in.cnonce = p["cnonce"];
            if (p["nonce"] == nonce && p["username"] == user && p["uri"] == r.target && p["qop"] == "auth" &&
                p["response"] == digest_response(in)) {
                ncs.push_back(p["nc"]);
                return good;
            }
        }
        ++challenges;
        server_reply challenge;
        challenge.status = 401;
        challenge.headers["WWW-Authenticate"] =
            "Digest realm=\"cam\", qop=\"auth\", nonce=\"" + nonce + "\", algorithm=" + algorithm;
        return challenge;
    }
};

TEST(http_client, keep_alive_sends_queued_requests_over_one_connection) {
    boost::asio::io_context io;
    test::http_server server(io, [](const server_request& r) { return ok("echo " + r.target); });
    http_client client(io, options_for(server.port()));
    std::vector<std::string> bodies;
    for (int i = 0; i < 5; ++i) {
        client.get("/n/" + std::to_string(i), [&](result<http_response> r) {
            ASSERT_TRUE(r.ok()) << r.error().message;
            bodies.push_back(r->body);
        });
    }
    ASSERT_TRUE(run_until(io, [&] { return bodies.size() == 5; }));
    EXPECT_EQ(bodies, (std::vector<std::string>{"echo /n/0", "echo /n/1", "echo /n/2", "echo /n/3", "echo /n/4"}));
    EXPECT_EQ(server.accepts(), 1U);
    EXPECT_EQ(client.connections_opened(), 1U);
}

TEST(http_client, a_keep_alive_connection_closed_by_the_device_is_reopened_transparently) {
    boost::asio::io_context io;
    int served = 0;
    test::http_server server(io, [&](const server_request&) {
        auto r = ok("n" + std::to_string(++served));
        r.what = server_reply::kind::respond_then_close;  // says keep-alive, then closes
        return r;
    });
    http_client client(io, options_for(server.port()));
    auto first = fetch(io, client, get("/a"));
    ASSERT_TRUE(first.ok()) << first.error().message;
    auto second = fetch(io, client, get("/b"));
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_EQ(second->body, "n2");
    EXPECT_EQ(server.accepts(), 2U);
}

TEST(http_client, a_silent_device_times_out_with_a_precise_message) {
    boost::asio::io_context io;
    test::http_server server(io, [](const server_request&) {
        server_reply r;
        r.what = server_reply::kind::hang;
        return r;
    });
    auto o = options_for(server.port());
    o.timeout = 200ms;
    http_client client(io, o);
    const auto start = std::chrono::steady_clock::now();
    auto r = fetch(io, client, get("/rpc/Switch.GetStatus"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, status::timeout);
    EXPECT_EQ(r.error().message, "GET /rpc/Switch.GetStatus: timed out after 200 ms");
    EXPECT_GE(std::chrono::steady_clock::now() - start, 190ms);
}

TEST(http_client, a_body_over_the_limit_is_refused) {
    boost::asio::io_context io;
    test::http_server server(io, [](const server_request&) { return ok(std::string(2000, 'x')); });
    auto o = options_for(server.port());
    o.body_limit = 1000;
    http_client client(io, o);
    auto r = fetch(io, client, get("/big"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, status::invalid);
    EXPECT_EQ(r.error().message, "GET /big: response body exceeds the limit of 1000 bytes");
    // The client recovers: the next request gets a fresh connection.
    auto again = fetch(io, client, get("/big"));
    EXPECT_FALSE(again.ok());
    EXPECT_EQ(server.accepts(), 2U);
}

TEST(http_client, a_chunked_body_over_the_limit_is_refused_and_a_small_one_is_joined) {
    boost::asio::io_context io;
    test::http_server server(io, [](const server_request& r) {
        server_reply reply;
        reply.what = server_reply::kind::raw;
        const std::string chunk(r.target == "/big" ? 600 : 6, 'x');
        char size[16];
        std::snprintf(size, sizeof size, "%zx", chunk.size());
        const std::string encoded = std::string(size) + "\r\n" + chunk + "\r\n";
        reply.pieces = {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + encoded, encoded + "0\r\n\r\n"};
        return reply;
    });
    auto o = options_for(server.port());
    o.body_limit = 1000;
    http_client client(io, o);
    auto small = fetch(io, client, get("/small"));
    ASSERT_TRUE(small.ok()) << small.error().message;
    EXPECT_EQ(small->body, std::string(12, 'x'));
    auto big = fetch(io, client, get("/big"));
    ASSERT_FALSE(big.ok());
    EXPECT_EQ(big.error().code, status::invalid);
    EXPECT_EQ(big.error().message, "GET /big: response body exceeds the limit of 1000 bytes");
}

TEST(http_client, an_http_error_status_is_a_device_error) {
    boost::asio::io_context io;
    test::http_server server(io, [](const server_request&) {
        server_reply r;
        r.status = 500;
        return r;
    });
    http_client client(io, options_for(server.port()));
    auto r = fetch(io, client, get("/x"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, status::device_error);
    EXPECT_EQ(r.error().http_status, 500U);
    EXPECT_EQ(r.error().message, "GET /x: HTTP 500 Internal Server Error");
}

TEST(http_client, a_refused_connection_is_offline) {
    boost::asio::io_context io;
    std::uint16_t port = 0;
    {
        boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
        port = a.local_endpoint().port();
    }  // closed again: nothing listens there now
    http_client client(io, options_for(port));
    auto r = fetch(io, client, get("/x"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, status::offline);
    EXPECT_NE(r.error().message.find("GET /x: cannot connect to 127.0.0.1:" + std::to_string(port)), std::string::npos)
        << r.error().message;
}

TEST(http_client, a_malformed_answer_is_invalid_and_does_not_abort) {
    boost::asio::io_context io;
    test::http_server server(io, [](const server_request&) {
        server_reply r;
        r.what = server_reply::kind::raw;
        r.pieces = {"HTTP/1.1 abc nonsense\r\n\r\n"};
        return r;
    });
    http_client client(io, options_for(server.port()));
    auto r = fetch(io, client, get("/x"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, status::invalid) << r.error().message;
    EXPECT_NE(r.error().message.find("GET /x: malformed HTTP response"), std::string::npos) << r.error().message;
}

class digest : public ::testing::TestWithParam<std::string> {};

TEST_P(digest, a_challenge_is_answered_and_its_nonce_reused_with_counting) {
    boost::asio::io_context io;
    digest_device device;
    device.algorithm = GetParam();
    test::http_server server(io, [&](const server_request& r) { return device.guard(r, ok("in")); });
    auto o = options_for(server.port());
    o.username = "admin";
    o.password = "secret";
    http_client client(io, o);
    auto first = fetch(io, client, get("/ISAPI/System/status"));
    ASSERT_TRUE(first.ok()) << first.error().message;
    auto second = fetch(io, client, get("/ISAPI/System/status"));
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_EQ(device.challenges, 1);  // the second request reused the nonce without a 401
    EXPECT_EQ(device.ncs, (std::vector<std::string>{"00000001", "00000002"}));
    EXPECT_EQ(server.accepts(), 1U);
}

INSTANTIATE_TEST_SUITE_P(http_client, digest, ::testing::Values("MD5", "SHA-256"));

TEST(http_client, a_wrong_password_is_a_device_error_naming_the_user_not_the_password) {
    boost::asio::io_context io;
    digest_device device;
    test::http_server server(io, [&](const server_request& r) { return device.guard(r, ok("in")); });
    auto o = options_for(server.port());
    o.username = "admin";
    o.password = "wrong-password";
    http_client client(io, o);
    auto r = fetch(io, client, get("/x"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, status::device_error);
    EXPECT_EQ(r.error().http_status, 401U);
    EXPECT_EQ(r.error().message, "GET /x: authentication failed for user 'admin' (HTTP 401)");
    EXPECT_EQ(device.challenges, 2);  // asked once, answered once, refused: no endless retries
}

TEST(http_client, basic_auth_answers_a_basic_challenge_and_is_then_sent_up_front) {
    boost::asio::io_context io;
    int challenges = 0;
    test::http_server server(io, [&](const server_request& r) {
        if (r.authorization == "Basic YWRtaW46c2VjcmV0") {  // admin:secret
            return ok("in");
        }
        ++challenges;
        server_reply c;
        c.status = 401;
        c.headers["WWW-Authenticate"] = "Basic realm=\"dev\"";
        return c;
    });
    auto o = options_for(server.port());
    o.username = "admin";
    o.password = "secret";
    http_client client(io, o);
    EXPECT_TRUE(fetch(io, client, get("/a")).ok());
    EXPECT_TRUE(fetch(io, client, get("/b")).ok());
    EXPECT_EQ(challenges, 1);

    o.auth = http_auth::digest;  // never sends the password in clear
    http_client strict(io, o);
    auto r = fetch(io, strict, get("/c"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, status::device_error);
}

TEST(http_client, json_helpers_parse_the_answer_or_report_invalid) {
    boost::asio::io_context io;
    test::http_server server(io, [](const server_request& r) {
        if (r.target == "/bad") {
            return ok("<html>");
        }
        if (r.method == "POST") {
            auto in = nlohmann::json::parse(r.body);
            return ok(nlohmann::json{{"got", in["on"]}, {"type", r.content_type}}.dump());
        }
        return ok(R"({"output": true})");
    });
    http_client client(io, options_for(server.port()));
    std::optional<result<nlohmann::json>> a;
    std::optional<result<nlohmann::json>> b;
    std::optional<result<nlohmann::json>> c;
    client.get_json("/rpc/Switch.GetStatus", [&](result<nlohmann::json> r) { a.emplace(std::move(r)); });
    client.post_json("/rpc/Switch.Set", {{"on", true}}, [&](result<nlohmann::json> r) { b.emplace(std::move(r)); });
    client.get_json("/bad", [&](result<nlohmann::json> r) { c.emplace(std::move(r)); });
    ASSERT_TRUE(run_until(io, [&] { return a && b && c; }));
    ASSERT_TRUE(a->ok());
    EXPECT_EQ(a->value()["output"], true);
    ASSERT_TRUE(b->ok()) << b->error().message;
    EXPECT_EQ(b->value()["got"], true);
    EXPECT_EQ(b->value()["type"], "application/json");
    ASSERT_FALSE(c->ok());
    EXPECT_EQ(c->error().code, status::invalid);
    EXPECT_EQ(c->error().message, "GET /bad: the answer is not JSON (starts with \"<html>\")");
}

TEST(http_client, destroying_the_client_with_requests_in_flight_drops_their_callbacks) {
    boost::asio::io_context io;
    int received = 0;
    test::http_server server(io, [&](const server_request&) {
        ++received;
        server_reply r;
        r.what = server_reply::kind::hang;
        return r;
    });
    int called = 0;
    {
        http_client client(io, options_for(server.port()));
        client.get("/a", [&](result<http_response>) { ++called; });
        client.get("/b", [&](result<http_response>) { ++called; });
        ASSERT_TRUE(run_until(io, [&] { return received == 1; }));
    }
    // Let every completion of the destroyed client run.
    run_until(
        io, [] { return false; }, 200ms);
    EXPECT_EQ(called, 0);
}

}  // namespace
}  // namespace hearth::kit
