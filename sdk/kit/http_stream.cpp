// http_client::stream(): a long-lived GET of a multipart (x-mixed-replace) event stream on its
// own connection, answering a 401 challenge like requests do, cut into parts by
// multipart_parser, each body read bounded by stream_idle_timeout.
#include "http_client_impl.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <cstdint>
#include <limits>

namespace hearth::kit {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using detail::clock;

namespace {

using head_parser = http::response_parser<http::buffer_body>;

template <class Stream>
asio::awaitable<boost::system::error_code> send_and_read_head(Stream& stream, beast::flat_buffer& buffer,
                                                              http::request<http::empty_body>& req,
                                                              head_parser& parser) {
    boost::system::error_code ec;
    co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
        co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return ec;
}

template <class Stream>
asio::awaitable<boost::system::error_code> read_some_body(Stream& stream, beast::flat_buffer& buffer,
                                                          head_parser& parser) {
    boost::system::error_code ec;
    co_await http::async_read_some(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) {
        ec = {};
    }
    co_return ec;
}

std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

/// Opens the stream and pumps it; returns the error that ended it.
asio::awaitable<net_error> pump(std::shared_ptr<http_client::impl> self, std::shared_ptr<detail::stream_state> st,
                                const std::string& target) {
    const std::string what = "stream GET " + target;
    bool fresh = false;
    for (int attempt = 0; attempt < 4; ++attempt) {
        const auto start = clock::now();
        const auto deadline = start + self->opt.timeout;
        st->conn = std::make_unique<detail::transport>(self->io, self->tls);
        ++self->opened;
        auto failed = co_await st->conn->open(self->opt, self->tls, deadline);
        if (st->stopped) {
            co_return net_error{};
        }
        if (failed) {
            failed->message = what + ": " + failed->message;
            co_return std::move(*failed);
        }
        http::request<http::empty_body> req{http::verb::get, target, 11};
        const bool default_port = self->opt.port == (self->opt.tls ? 443 : 80);
        req.set(http::field::host,
                default_port ? self->opt.host : self->opt.host + ":" + std::to_string(self->opt.port));
        req.set(http::field::user_agent, "hearth-kit");
        req.set(http::field::accept, "multipart/x-mixed-replace, multipart/mixed");
        if (auto auth = self->authorization("GET", target); !auth.empty()) {
            req.set(http::field::authorization, auth);
        }
        beast::flat_buffer buffer;
        head_parser parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // not boost::none: Beast 1.74 compares it as 0
        auto& conn = *st->conn;
        conn.tcp().expires_at(deadline);
        boost::system::error_code ec;
        if (conn.is_tls()) {  // not `?:`: GCC 12 miscompiles co_await inside a conditional expression
            ec = co_await send_and_read_head(conn.tls(), buffer, req, parser);
        } else {
            ec = co_await send_and_read_head(conn.tcp(), buffer, req, parser);
        }
        if (st->stopped) {
            co_return net_error{};
        }
        if (ec) {
            const auto ms_total = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - start);
            if (ec == beast::error::timeout) {
                co_return net_error{status::timeout, what + ": no answer within " + ms(ms_total)};
            }
            co_return net_error{detail::is_peer_close(ec) ? status::offline : status::invalid,
                                what + ": " + ec.message()};
        }
        auto& head = parser.get();
        if (head.result() == http::status::unauthorized) {
            st->conn->close();
            if (self->on_unauthorized(head.base(), fresh) == detail::auth_step::retry) {
                continue;
            }
            co_return net_error{status::device_error, self->auth_failure(what), 401};
        }
        if (head.result_int() != 200) {
            co_return net_error{status::device_error,
                                what + ": HTTP " + std::to_string(head.result_int()) + " " + std::string(head.reason()),
                                head.result_int()};
        }
        const auto content_type = std::string(head[http::field::content_type]);
        auto boundary = multipart_boundary(content_type);
        if (!boundary) {
            co_return net_error{status::invalid,
                                what + ": not a multipart stream (Content-Type \"" + content_type + "\")"};
        }
        if (st->on_open) {
            self->deliver([st] { st->on_open(); }, st);
        }
        multipart_parser parts_parser(*boundary, self->opt.stream_part_limit);
        std::array<char, 8192> chunk{};
        while (!parser.is_done()) {
            parser.get().body().data = chunk.data();
            parser.get().body().size = chunk.size();
            conn.tcp().expires_after(self->opt.stream_idle_timeout);
            if (conn.is_tls()) {
                ec = co_await read_some_body(conn.tls(), buffer, parser);
            } else {
                ec = co_await read_some_body(conn.tcp(), buffer, parser);
            }
            if (st->stopped) {
                co_return net_error{};
            }
            if (ec == beast::error::timeout) {
                co_return net_error{status::timeout, what + ": no data for " + ms(self->opt.stream_idle_timeout)};
            }
            if (ec) {
                co_return net_error{
                    detail::is_peer_close(ec) ? status::offline : status::invalid,
                    what + ": " +
                        (detail::is_peer_close(ec) ? "the device closed the stream (" + ec.message() + ")"
                                                   : ec.message())};
            }
            const std::size_t n = chunk.size() - parser.get().body().size;
            std::vector<multipart_part> parts;
            parts_parser.feed(std::string_view(chunk.data(), n), parts);
            for (auto& part : parts) {
                self->deliver([st, p = std::move(part)] { st->on_part(p); }, st);
            }
        }
        co_return net_error{status::offline, what + ": the device ended the stream"};
    }
    co_return net_error{status::device_error, self->auth_failure(what), 401};
}

asio::awaitable<void> run_stream(std::shared_ptr<http_client::impl> self, std::shared_ptr<detail::stream_state> st,
                                 std::string target) {
    auto end = co_await pump(self, st, target);
    if (st->conn) {
        st->conn->close();
    }
    if (!st->stopped && !self->closed) {
        self->deliver([st, e = std::move(end)] { st->on_end(e); }, st);
    }
}

}  // namespace

http_stream http_client::stream(std::string target, part_fn on_part, end_fn on_end, open_fn on_open) {
    auto st = std::make_shared<detail::stream_state>();
    st->on_part = std::move(on_part);
    st->on_end = std::move(on_end);
    st->on_open = std::move(on_open);
    auto& streams = impl_->streams;
    std::erase_if(streams, [](const auto& w) { return w.expired(); });
    streams.push_back(st);
    asio::co_spawn(impl_->io, run_stream(impl_, st, std::move(target)), [](const std::exception_ptr& e) {
        if (e) {
            std::rethrow_exception(e);
        }
    });
    return http_stream([weak = std::weak_ptr<detail::stream_state>(st)] {
        if (auto s = weak.lock()) {
            s->stopped = true;
            if (s->conn) {
                s->conn->close();
            }
        }
    });
}

}  // namespace hearth::kit
