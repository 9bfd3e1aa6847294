// Role: implementation of isapi_client.hpp with Boost.Beast over beast::tcp_stream (whose
// expiry gives every connect/write/read its timeout). One TCP connection per request
// (`Connection: close`), which keeps the state machine trivial and matches what cameras
// handle best; the alert stream owns its connection for as long as it lasts.
#include "isapi_client.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <limits>

namespace hearth::isapi {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;

namespace {
constexpr std::size_t k_header_limit = 16 * 1024;
constexpr const char* k_user_agent = "hearth-isapi_camera/1.0";
}  // namespace

isapi_client::isapi_client(asio::any_io_executor ex, const camera_config& cfg) : ex_(std::move(ex)), cfg_(cfg) {}

std::string isapi_client::endpoint() const {
    const bool v6 = cfg_.host.find(':') != std::string::npos;
    return (v6 ? "[" + cfg_.host + "]" : cfg_.host) + ":" + std::to_string(cfg_.port);
}

void isapi_client::throw_io(const boost::system::error_code& ec, const std::string& doing) const {
    if (ec == beast::error::timeout) throw request_error(failure::timeout, doing + " " + endpoint() + " timed out");
    if (ec == http::error::body_limit)
        throw request_error(failure::too_large, doing + " " + endpoint() + ": response body too large");
    throw request_error(failure::protocol, doing + " " + endpoint() + " failed: " + ec.message());
}

awaitable<beast::tcp_stream> isapi_client::connect() {
    boost::system::error_code ec;
    asio::ip::tcp::resolver resolver(ex_);
    const auto results = co_await resolver.async_resolve(cfg_.host, std::to_string(cfg_.port),
                                                         asio::redirect_error(asio::use_awaitable, ec));
    if (ec) throw request_error(failure::unreachable, "cannot resolve " + cfg_.host + ": " + ec.message());
    beast::tcp_stream stream(ex_);
    stream.expires_after(cfg_.timeout);
    co_await stream.async_connect(results, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == beast::error::timeout)
        throw request_error(failure::timeout, "connecting to " + endpoint() + " timed out");
    if (ec) throw request_error(failure::unreachable, "cannot connect to " + endpoint() + ": " + ec.message());
    co_return stream;
}

awaitable<void> isapi_client::send(beast::tcp_stream& stream, http::verb verb, const std::string& target,
                                   const std::string& body, const std::string& content_type) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, endpoint());
    req.set(http::field::user_agent, k_user_agent);
    req.keep_alive(false);
    if (challenge_) {
        req.set(http::field::authorization,
                kit::digest_authorization(*challenge_, cfg_.username, cfg_.password, std::string(http::to_string(verb)),
                                          target, ++nc_, kit::make_cnonce()));
    }
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
    boost::system::error_code ec;
    stream.expires_after(cfg_.timeout);
    co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) throw_io(ec, "sending " + target + " to");
}

void isapi_client::on_unauthorized(std::string_view www_authenticate, int attempt, const std::string& target) {
    auto c = kit::parse_digest_challenge(www_authenticate);
    if (!c) {
        challenge_.reset();
        throw request_error(
            failure::auth,
            "camera " + endpoint() + " refused " + target + " without a usable Digest challenge (HTTP 401)", 401);
    }
    challenge_ = std::move(c);
    nc_ = 0;
    if (attempt == 0) return;  // first try had no or an outdated challenge: retry once
    throw request_error(failure::auth,
                        "authentication failed for user '" + cfg_.username + "' at " + endpoint() + " (HTTP 401 on " +
                            target + "): check username and password",
                        401);
}

awaitable<http_reply> isapi_client::request(http::verb verb, std::string target, std::string body,
                                            std::string content_type, std::size_t body_limit) {
    for (int attempt = 0;; ++attempt) {
        beast::tcp_stream stream = co_await connect();
        co_await send(stream, verb, target, body, content_type);
        beast::flat_buffer buffer;
        http::response_parser<http::buffer_body> parser;
        co_await read_head(stream, buffer, parser, target);
        const auto& head = parser.get();
        if (head.result() == http::status::unauthorized) {
            on_unauthorized(std::string(head[http::field::www_authenticate]), attempt, target);
            continue;
        }
        // Beast 1.74's body_limit is not reliable, so the limit is enforced here, up front
        // from Content-Length and again while reading (chunked or close-delimited bodies).
        const auto too_large = [&] {
            return request_error(failure::too_large, "response to " + target + " from " + endpoint() +
                                                         " is larger than " + std::to_string(body_limit) + " bytes");
        };
        if (const auto length = parser.content_length(); length && *length > body_limit) throw too_large();
        http_reply reply;
        reply.status = head.result_int();
        reply.content_type = std::string(head[http::field::content_type]);
        co_await read_body(stream, buffer, parser, cfg_.timeout, target, [&](std::string_view piece) {
            if (reply.body.size() + piece.size() > body_limit) throw too_large();
            reply.body.append(piece);
        });
        co_return reply;
    }
}

awaitable<void> isapi_client::stream(std::string target, std::function<void(const std::string&)> on_open,
                                     std::function<void(std::string_view)> on_data) {
    for (int attempt = 0;; ++attempt) {
        beast::tcp_stream stream = co_await connect();
        co_await send(stream, http::verb::get, target, {}, {});
        beast::flat_buffer buffer;
        http::response_parser<http::buffer_body> parser;
        co_await read_head(stream, buffer, parser, target);
        const auto& head = parser.get();
        if (head.result() == http::status::unauthorized) {
            on_unauthorized(std::string(head[http::field::www_authenticate]), attempt, target);
            continue;
        }
        if (head.result() != http::status::ok) {
            throw request_error(
                failure::http_status,
                "camera " + endpoint() + " answered HTTP " + std::to_string(head.result_int()) + " to " + target,
                head.result_int());
        }
        on_open(std::string(head[http::field::content_type]));
        co_await read_body(stream, buffer, parser, cfg_.stream_idle_timeout(), target, on_data);
        co_return;
    }
}

awaitable<void> isapi_client::read_head(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                        http::response_parser<http::buffer_body>& parser, const std::string& target) {
    parser.header_limit(k_header_limit);
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // enforced by the callers
    boost::system::error_code ec;
    stream.expires_after(cfg_.timeout);
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) throw_io(ec, "reading the answer to " + target + " from");
}

awaitable<void> isapi_client::read_body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                        http::response_parser<http::buffer_body>& parser,
                                        std::chrono::milliseconds idle_timeout, const std::string& target,
                                        const std::function<void(std::string_view)>& on_data) {
    char chunk[8192];
    boost::system::error_code ec;
    while (!parser.is_done()) {
        parser.get().body().data = chunk;
        parser.get().body().size = sizeof chunk;
        stream.expires_after(idle_timeout);
        // read_some, not read: read would only return once the chunk buffer is full.
        co_await http::async_read_some(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == http::error::need_buffer) ec = {};
        const std::size_t n = sizeof chunk - parser.get().body().size;
        if (n > 0) on_data(std::string_view(chunk, n));
        if (ec == http::error::end_of_stream || ec == asio::error::eof) co_return;
        if (ec) throw_io(ec, "reading " + target + " from");
    }
}

}  // namespace hearth::isapi
