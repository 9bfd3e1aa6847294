// websocket_client: resolve, connect and upgrade within a deadline, a read loop delivering whole
// messages (bounded by max_message), and a write queue; all coroutines hold the shared state and
// stop once it is closed (the same shape as line_connection).
#include <hearth/kit/websocket_client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>

namespace hearth::kit {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using ws_stream = websocket::stream<beast::tcp_stream>;

struct websocket_client::state : std::enable_shared_from_this<websocket_client::state> {
    state(asio::io_context& io_, websocket_options opt_) : io(io_), opt(std::move(opt_)) {}

    /// Runs `fn` later unless the user closed or reconnected meanwhile.
    void deliver(std::function<void()> fn) {
        asio::post(io, [self = shared_from_this(), e = epoch, fn = std::move(fn)] {
            if (self->epoch == e && !self->destroyed) {
                fn();
            }
        });
    }
    void drop() noexcept {
        ++generation;
        is_open = false;
        outbox.clear();
        writing = false;
        if (stream) {
            beast::get_lowest_layer(*stream).close();
        }
    }

    asio::io_context& io;
    websocket_options opt;
    std::string where = "ws://" + opt.host + ":" + std::to_string(opt.port) + opt.target;
    std::shared_ptr<ws_stream> stream;
    std::uint64_t generation = 0;  // bumped by every drop: completions of older loops are ignored
    std::uint64_t epoch = 0;       // bumped by connect()/close(): callbacks queued before are dropped
    bool is_open = false;
    bool destroyed = false;
    bool writing = false;
    std::deque<std::string> outbox;
    message_fn on_message;
    closed_fn on_closed;
};

namespace {

using state_ptr = std::shared_ptr<websocket_client::state>;

void rethrow(const std::exception_ptr& e) {
    if (e) {
        std::rethrow_exception(e);
    }
}

void closed_with(const state_ptr& s, std::uint64_t gen, net_error why) {
    if (s->generation != gen) {
        return;
    }
    s->drop();
    s->deliver([s, why = std::move(why)] {
        if (s->on_closed) {
            s->on_closed(why);
        }
    });
}

net_error read_error(const state_ptr& s, const boost::system::error_code& ec) {
    if (ec == websocket::error::closed || ec == asio::error::eof) {
        return {status::offline, s->where + " closed the connection"};
    }
    if (ec == beast::error::timeout) {
        return {status::timeout, s->where + " stopped answering (no pong within " +
                                     std::to_string(s->opt.idle_timeout.count()) + " ms)"};
    }
    if (ec == websocket::error::message_too_big) {
        return {status::invalid, "a message from " + s->where + " exceeds " + std::to_string(s->opt.max_message) +
                                     " bytes; connection closed"};
    }
    return {status::offline, s->where + ": read failed: " + ec.message()};
}

asio::awaitable<void> read_loop(state_ptr s, std::uint64_t gen, std::shared_ptr<ws_stream> stream) {
    beast::flat_buffer buffer;
    while (s->generation == gen) {
        boost::system::error_code ec;
        co_await stream->async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
        if (s->generation != gen) {
            co_return;
        }
        if (ec) {
            closed_with(s, gen, read_error(s, ec));
            co_return;
        }
        s->deliver([s, message = beast::buffers_to_string(buffer.data())] {
            if (s->on_message) {
                s->on_message(message);
            }
        });
        buffer.consume(buffer.size());
    }
}

asio::awaitable<void> write_loop(state_ptr s, std::uint64_t gen, std::shared_ptr<ws_stream> stream) {
    while (s->generation == gen && !s->outbox.empty()) {
        const std::string message = std::move(s->outbox.front());
        s->outbox.pop_front();
        boost::system::error_code ec;
        stream->text(true);
        co_await stream->async_write(asio::buffer(message), asio::redirect_error(asio::use_awaitable, ec));
        if (s->generation != gen) {
            co_return;
        }
        if (ec) {
            closed_with(s, gen, {status::offline, s->where + ": write failed: " + ec.message()});
            co_return;
        }
    }
    if (s->generation == gen) {
        s->writing = false;
    }
}

asio::awaitable<void> connect_flow(state_ptr s, std::uint64_t gen, std::shared_ptr<ws_stream> stream,
                                   websocket_client::connect_fn done) {
    boost::system::error_code ec;
    net_error error;
    const auto timeout_error = [&](const char* what) {
        return net_error{status::timeout, std::string(what) + " " + s->where + " timed out after " +
                                              std::to_string(s->opt.connect_timeout.count()) + " ms"};
    };
    asio::ip::tcp::resolver resolver(s->io);
    auto endpoints = co_await resolver.async_resolve(s->opt.host, std::to_string(s->opt.port),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    if (s->generation != gen) {
        co_return;
    }
    auto& tcp = beast::get_lowest_layer(*stream);
    if (ec) {
        error = {status::offline, "cannot resolve " + s->opt.host + ": " + ec.message()};
    } else {
        tcp.expires_after(s->opt.connect_timeout);
        co_await tcp.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
        if (s->generation != gen) {
            co_return;
        }
        if (ec == beast::error::timeout) {
            error = timeout_error("connecting to");
        } else if (ec) {
            error = {status::offline, "cannot connect to " + s->where + ": " + ec.message()};
        }
    }
    if (!ec) {
        // The handshake keeps the tcp_stream's deadline; afterwards the websocket's own timeouts.
        tcp.expires_after(s->opt.connect_timeout);
        stream->read_message_max(s->opt.max_message);
        const std::string host_header = s->opt.host + ":" + std::to_string(s->opt.port);
        co_await stream->async_handshake(host_header, s->opt.target, asio::redirect_error(asio::use_awaitable, ec));
        if (s->generation != gen) {
            co_return;
        }
        if (ec == beast::error::timeout) {
            error = timeout_error("the WebSocket upgrade of");
        } else if (ec) {
            error = {status::offline, "the WebSocket upgrade of " + s->where + " failed: " + ec.message()};
        }
    }
    if (ec) {
        s->drop();
        s->deliver([done = std::move(done), error] { done(error); });
        co_return;
    }
    tcp.expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = s->opt.connect_timeout;
    t.idle_timeout = s->opt.idle_timeout;
    t.keep_alive_pings = true;
    stream->set_option(t);
    s->is_open = true;
    s->deliver([done = std::move(done)] { done(std::nullopt); });
    asio::co_spawn(s->io, read_loop(s, gen, stream), rethrow);
}

}  // namespace

websocket_client::websocket_client(asio::io_context& io, websocket_options options)
    : state_(std::make_shared<state>(io, std::move(options))) {}

websocket_client::~websocket_client() {
    state_->destroyed = true;
    ++state_->epoch;
    state_->drop();
}

void websocket_client::on_message(message_fn fn) { state_->on_message = std::move(fn); }

void websocket_client::on_closed(closed_fn fn) { state_->on_closed = std::move(fn); }

void websocket_client::connect(connect_fn done) {
    ++state_->epoch;
    state_->drop();
    state_->stream = std::make_shared<ws_stream>(state_->io);
    asio::co_spawn(state_->io, connect_flow(state_, state_->generation, state_->stream, std::move(done)), rethrow);
}

bool websocket_client::send(std::string message) {
    if (!state_->is_open) {
        return false;
    }
    state_->outbox.push_back(std::move(message));
    if (!state_->writing) {
        state_->writing = true;
        asio::co_spawn(state_->io, write_loop(state_, state_->generation, state_->stream), rethrow);
    }
    return true;
}

void websocket_client::close() {
    ++state_->epoch;
    state_->drop();
}

bool websocket_client::connected() const noexcept { return state_->is_open; }

std::string websocket_client::url() const { return state_->where; }

}  // namespace hearth::kit
