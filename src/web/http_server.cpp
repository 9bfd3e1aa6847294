// Boost.Beast HTTP/1.1 + WebSocket server of the web console (see http_server.hpp).
#include "web/http_server.hpp"

#include "log/log.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <nlohmann/json.hpp>

#include <deque>

namespace hearth::web {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

/// What the server and its connections share; outlives the server while a connection lives.
struct http_server::state {
    web_handler* handler = nullptr;
    limits lim;
    std::size_t connections = 0;
    bool stopped = false;
};

void add_security_headers(http_response& response) {
    response.set("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                 "frame-ancestors 'none'");
    response.set("X-Content-Type-Options", "nosniff");
    response.set("X-Frame-Options", "DENY");
    response.set("Referrer-Policy", "no-referrer");
    response.set(http::field::server, "hearthd");
}

namespace {

http_response plain_error(http::status status, const std::string& why, unsigned version) {
    http_response r{status, version};
    r.set(http::field::content_type, "application/json");
    r.set(http::field::cache_control, "no-store");
    r.body() = nlohmann::json{{"error", why}}.dump();
    add_security_headers(r);
    r.keep_alive(false);
    r.prepare_payload();
    return r;
}

/// Counts the connection while it lives.
struct connection_slot {
    explicit connection_slot(std::shared_ptr<http_server::state> s) : st(std::move(s)) { ++st->connections; }
    ~connection_slot() { --st->connections; }
    connection_slot(const connection_slot&) = delete;
    connection_slot& operator=(const connection_slot&) = delete;
    std::shared_ptr<http_server::state> st;
};

class ws_session final : public ws_peer, public std::enable_shared_from_this<ws_session> {
public:
    ws_session(beast::tcp_stream&& stream, std::shared_ptr<http_server::state> st)
        : slot_(std::move(st)), ws_(std::move(stream)) {}

    void start(http_request request) {
        request_ = std::move(request);  // kept until the handshake completes
        const http_request& req = request_;
        auto& st = *slot_.st;
        beast::get_lowest_layer(ws_).expires_never();
        // Handshake 30 s; an idle page is pinged (its pongs keep it open), a dead one closed after 300 s.
        auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
        timeouts.keep_alive_pings = true;
        ws_.set_option(timeouts);
        ws_.read_message_max(st.lim.max_ws_message_bytes);
        ws_.set_option(websocket::stream_base::decorator(
            [](websocket::response_type& res) { res.set(http::field::server, "hearthd"); }));
        std::optional<http_response> refused = st.handler->accept_websocket(req, shared_from_this());
        if (refused) {
            // Refused upgrade: answer over plain HTTP and close.
            auto res = std::make_shared<http_response>(std::move(*refused));
            res->keep_alive(false);  // "Connection: close": the socket is shut down after it
            http::async_write(
                beast::get_lowest_layer(ws_), *res, [self = shared_from_this(), res](beast::error_code, std::size_t) {
                    beast::error_code ignored;
                    beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
                });
            return;
        }
        accepted_ = true;
        ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
            if (ec) return self->closed();
            self->read();
        });
    }

    void send(std::string text) override {
        if (closed_) return;
        if (queue_.size() >= slot_.st->lim.max_ws_queue) {
            log::app().warn("web: a WebSocket client does not read its messages: closed");
            close();
            return;
        }
        queue_.push_back(std::move(text));
        if (queue_.size() == 1 && open_) write();
    }

    void close() override {
        if (closed_) return;
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

private:
    void read() {
        open_ = true;
        if (!queue_.empty()) write();
        ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec || self->slot_.st->stopped) return self->closed();
            std::string text = beast::buffers_to_string(self->buffer_.data());
            self->buffer_.consume(self->buffer_.size());
            self->slot_.st->handler->on_ws_message(self, text);
            if (!self->closed_) self->read();
        });
    }

    void write() {
        ws_.text(true);
        ws_.async_write(asio::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->closed();
            self->queue_.pop_front();
            if (!self->queue_.empty()) self->write();
        });
    }

    void closed() {
        if (closed_) return;
        closed_ = true;
        queue_.clear();
        close_socket();
        if (accepted_ && !slot_.st->stopped) slot_.st->handler->on_ws_closed(shared_from_this());
    }

    void close_socket() {
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

    connection_slot slot_;
    websocket::stream<beast::tcp_stream> ws_;
    http_request request_;
    beast::flat_buffer buffer_;
    std::deque<std::string> queue_;
    bool accepted_ = false;
    bool open_ = false;
    bool closed_ = false;
};

class http_session final : public std::enable_shared_from_this<http_session> {
public:
    http_session(tcp::socket&& socket, std::shared_ptr<http_server::state> st)
        : slot_(std::move(st)), stream_(std::move(socket)) {}

    void start() { read(); }
    void close() {
        beast::error_code ignored;
        stream_.socket().close(ignored);
    }

private:
    void read() {
        const auto& lim = slot_.st->lim;
        parser_.emplace();
        parser_->header_limit(lim.max_header_bytes);
        parser_->body_limit(lim.max_body_bytes);
        stream_.expires_after(lim.read_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
            slot_.st->stopped) {
            return close();
        }
        if (ec == http::error::body_limit) {
            return write(plain_error(http::status::payload_too_large, "request body too large", 11), true);
        }
        if (ec == http::error::header_limit) {
            return write(plain_error(http::status::request_header_fields_too_large, "request header too large", 11),
                         true);
        }
        if (ec) return write(plain_error(http::status::bad_request, "malformed HTTP request", 11), true);
        http_request request = parser_->release();
        if (websocket::is_upgrade(request)) {
            stream_.expires_never();
            auto ws = std::make_shared<ws_session>(std::move(stream_), slot_.st);
            ws->start(std::move(request));
            return;
        }
        beast::error_code addr_ec;
        const auto peer = stream_.socket().remote_endpoint(addr_ec);
        const std::string address = addr_ec ? "?" : peer.address().to_string();
        const bool keep_alive = request.keep_alive();
        slot_.st->handler->handle_http(request, address,
                                       [self = shared_from_this(), keep_alive](http_response response) {
                                           const bool close_after = !(keep_alive && response.keep_alive());
                                           self->write(std::move(response), close_after);
                                       });
    }

    void write(http_response response, bool close_after) {
        auto res = std::make_shared<http_response>(std::move(response));
        if (close_after) res->keep_alive(false);
        stream_.expires_after(slot_.st->lim.read_timeout);
        http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
            if (ec || !res->keep_alive()) {
                beast::error_code ignored;
                self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
                return;
            }
            self->read();
        });
    }

    connection_slot slot_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

http_server::http_server(asio::io_context& loop, web_handler& handler, limits l)
    : acceptor_(loop), state_(std::make_shared<state>()) {
    state_->handler = &handler;
    state_->lim = l;
}

http_server::~http_server() { stop(); }

result<void> http_server::listen(const std::string& address, int port) {
    beast::error_code ec;
    const auto addr = asio::ip::make_address(address, ec);
    if (ec) return fail("web: not an IP address: " + address);
    const tcp::endpoint endpoint(addr, static_cast<unsigned short>(port));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        return fail("web: cannot listen on " + address + ":" + std::to_string(port) + ": " + ec.message());
    }
    accept();
    return {};
}

unsigned short http_server::port() const {
    beast::error_code ec;
    return acceptor_.local_endpoint(ec).port();
}

std::size_t http_server::connections() const { return state_->connections; }

void http_server::accept() {
    acceptor_.async_accept([this, st = state_](beast::error_code ec, tcp::socket socket) {
        if (st->stopped || ec == asio::error::operation_aborted) return;
        if (!ec) {
            if (st->connections >= st->lim.max_connections) {
                log::app().warn("web: {} connections open, refusing another", st->connections);
                beast::error_code ignored;
                socket.close(ignored);
            } else {
                beast::error_code ignored;
                socket.set_option(tcp::no_delay(true), ignored);
                std::make_shared<http_session>(std::move(socket), st)->start();
            }
        }
        accept();
    });
}

void http_server::stop() {
    if (state_->stopped) return;
    state_->stopped = true;
    beast::error_code ignored;
    acceptor_.close(ignored);
}

}  // namespace hearth::web
