// stream_connection: connect with a deadline, a read loop handing on each chunk, and a write
// queue; all coroutines hold the shared state and stop once it is closed. Same structure as
// line_connection.cpp.
#include <hearth/kit/stream_connection.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <array>
#include <deque>

namespace hearth::kit {

namespace asio = boost::asio;
namespace beast = boost::beast;

struct stream_connection::state : std::enable_shared_from_this<stream_connection::state> {
    state(asio::io_context& io_, stream_options opt_) : io(io_), opt(std::move(opt_)) {}

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
        is_connected = false;
        outbox.clear();
        writing = false;
        if (stream) {
            stream->close();
        }
    }

    asio::io_context& io;
    stream_options opt;
    std::string where = opt.host + ":" + std::to_string(opt.port);
    std::shared_ptr<beast::tcp_stream> stream;
    std::uint64_t generation = 0;  // bumped by every drop: completions of older loops are ignored
    std::uint64_t epoch = 0;       // bumped by connect()/close(): callbacks queued before are dropped
    bool is_connected = false;
    bool destroyed = false;
    bool writing = false;
    std::deque<std::vector<std::uint8_t>> outbox;
    data_fn on_data;
    closed_fn on_closed;
};

namespace {

using state_ptr = std::shared_ptr<stream_connection::state>;

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

asio::awaitable<void> read_loop(state_ptr s, std::uint64_t gen, std::shared_ptr<beast::tcp_stream> stream) {
    std::array<std::uint8_t, 4096> chunk{};
    while (s->generation == gen) {
        boost::system::error_code ec;
        const std::size_t n =
            co_await stream->async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
        if (s->generation != gen) {
            co_return;
        }
        if (ec) {
            const bool eof = ec == asio::error::eof;
            closed_with(
                s, gen,
                {status::offline, s->where + (eof ? " closed the connection" : ": read failed: " + ec.message())});
            co_return;
        }
        s->deliver(
            [s, data = std::vector<std::uint8_t>(chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n))] {
                if (s->on_data) {
                    s->on_data(data);
                }
            });
    }
}

asio::awaitable<void> write_loop(state_ptr s, std::uint64_t gen, std::shared_ptr<beast::tcp_stream> stream) {
    while (s->generation == gen && !s->outbox.empty()) {
        const std::vector<std::uint8_t> data = std::move(s->outbox.front());
        s->outbox.pop_front();
        boost::system::error_code ec;
        co_await asio::async_write(*stream, asio::buffer(data), asio::redirect_error(asio::use_awaitable, ec));
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

asio::awaitable<void> connect_flow(state_ptr s, std::uint64_t gen, std::shared_ptr<beast::tcp_stream> stream,
                                   stream_connection::connect_fn done) {
    boost::system::error_code ec;
    asio::ip::tcp::resolver resolver(s->io);
    auto endpoints = co_await resolver.async_resolve(s->opt.host, std::to_string(s->opt.port),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    if (s->generation != gen) {
        co_return;
    }
    net_error error;
    if (ec) {
        error = {status::offline, "cannot resolve " + s->opt.host + ": " + ec.message()};
    } else {
        stream->expires_after(s->opt.connect_timeout);
        co_await stream->async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
        if (s->generation != gen) {
            co_return;
        }
        stream->expires_never();
        if (ec == beast::error::timeout) {
            error = {status::timeout, "connecting to " + s->where + " timed out after " +
                                          std::to_string(s->opt.connect_timeout.count()) + " ms"};
        } else if (ec) {
            error = {status::offline, "cannot connect to " + s->where + ": " + ec.message()};
        }
    }
    if (ec) {
        s->drop();
        s->deliver([done = std::move(done), error] { done(error); });
        co_return;
    }
    s->is_connected = true;
    s->deliver([done = std::move(done)] { done(std::nullopt); });
    asio::co_spawn(s->io, read_loop(s, gen, stream), rethrow);
}

}  // namespace

stream_connection::stream_connection(asio::io_context& io, stream_options options)
    : state_(std::make_shared<state>(io, std::move(options))) {}

stream_connection::~stream_connection() {
    state_->destroyed = true;
    ++state_->epoch;
    state_->drop();
}

void stream_connection::on_data(data_fn fn) { state_->on_data = std::move(fn); }

void stream_connection::on_closed(closed_fn fn) { state_->on_closed = std::move(fn); }

void stream_connection::connect(connect_fn done) {
    ++state_->epoch;
    state_->drop();
    state_->stream = std::make_shared<beast::tcp_stream>(state_->io);
    asio::co_spawn(state_->io, connect_flow(state_, state_->generation, state_->stream, std::move(done)), rethrow);
}

bool stream_connection::send(std::vector<std::uint8_t> data) {
    if (!state_->is_connected) {
        return false;
    }
    state_->outbox.push_back(std::move(data));
    if (!state_->writing) {
        state_->writing = true;
        asio::co_spawn(state_->io, write_loop(state_, state_->generation, state_->stream), rethrow);
    }
    return true;
}

void stream_connection::close() {
    ++state_->epoch;
    state_->drop();
}

bool stream_connection::connected() const noexcept { return state_->is_connected; }

}  // namespace hearth::kit
