// The web console's network side on Boost.Beast: HTTP/1.1 and WebSocket on hearthd's event loop,
// never blocking it (every read and write is asynchronous). Bounded: connections, header and
// body size, WebSocket message size and each peer's send queue; timeouts on every read. It knows
// nothing of accounts or devices: a web_handler answers requests and WebSocket messages.
//
// Thread: construct, call and destroy on the loop thread; handlers are called there.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "core/result.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace hearth::web {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

/// One open WebSocket, as the handler sees it.
class ws_peer {
public:
    virtual ~ws_peer() = default;
    /// Queues a text message. A peer whose queue is full (a client that does not read) is closed.
    virtual void send(std::string text) = 0;
    /// Closes the connection; on_ws_closed follows.
    virtual void close() = 0;
};

/// The application behind the server.
class web_handler {
public:
    virtual ~web_handler() = default;
    /// Answers one HTTP request through `done`, exactly once, maybe later (on the loop).
    virtual void handle_http(const http_request& request, const std::string& client_address,
                             std::function<void(http_response)> done) = 0;
    /// A WebSocket upgrade request: a response to refuse it (401, 403), or nullopt to accept it;
    /// on accept, `peer` is the connection (messages follow through on_ws_message).
    virtual std::optional<http_response> accept_websocket(const http_request& request,
                                                          const std::shared_ptr<ws_peer>& peer) = 0;
    virtual void on_ws_message(const std::shared_ptr<ws_peer>& peer, const std::string& text) = 0;
    virtual void on_ws_closed(const std::shared_ptr<ws_peer>& peer) = 0;
};

class http_server {
public:
    struct limits {
        std::size_t max_connections = 64;           ///< HTTP and WebSocket together; more are closed at once
        std::uint32_t max_header_bytes = 8 * 1024;  ///< larger: 431
        std::uint64_t max_body_bytes = std::uint64_t{64} * 1024;  ///< larger: 413
        std::chrono::seconds read_timeout{15};  ///< a request not complete by then: the connection is closed
        std::size_t max_ws_message_bytes = std::size_t{64} * 1024;
        std::size_t max_ws_queue = 1024;  ///< messages waiting to be sent to one peer
    };

    http_server(boost::asio::io_context& loop, web_handler& handler, limits l);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    /// Binds and starts accepting. Port 0 picks a free port (see port()).
    result<void> listen(const std::string& address, int port);
    /// The bound port.
    [[nodiscard]] unsigned short port() const;
    /// Stops accepting and closes every connection.
    void stop();
    /// Open connections now.
    [[nodiscard]] std::size_t connections() const;

    struct state;  // shared with the connections

private:
    void accept();
    boost::asio::ip::tcp::acceptor acceptor_;
    std::shared_ptr<state> state_;
};

/// The security headers every response carries (CSP without inline script, nosniff, no framing,
/// no referrer).
void add_security_headers(http_response& response);

}  // namespace hearth::web
