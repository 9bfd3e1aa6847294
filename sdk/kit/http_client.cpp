// http_client: the request queue and one request/response exchange over the kept-alive
// connection (re-opened once if the device closed it), with timeout, body cap and 401 handling.
#include "http_client_impl.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <cctype>
#include <stdexcept>

namespace hearth::kit {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using detail::clock;

namespace {

/// Completion of the toolkit's coroutines: a bug (an exception) reaches the io thread's sink.
void rethrow(const std::exception_ptr& e) {
    if (e) {
        std::rethrow_exception(e);
    }
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

net_error io_failure(const std::string& what, const boost::system::error_code& ec, clock::time_point start,
                     clock::time_point deadline) {
    if (ec == beast::error::timeout || clock::now() >= deadline) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - start).count();
        return {status::timeout, what + ": timed out after " + std::to_string(ms) + " ms"};
    }
    if (detail::is_peer_close(ec)) {
        return {status::offline, what + ": the device closed the connection (" + ec.message() + ")"};
    }
    if (ec.category() == boost::system::error_code(http::error::end_of_stream).category()) {  // HTTP parse errors
        return {status::invalid, what + ": malformed HTTP response (" + ec.message() + ")"};
    }
    return {status::offline, what + ": " + ec.message()};
}

http::request<http::string_body> make_request(const http_options& opt, const http_request& req,
                                              const std::string& authorization) {
    http::request<http::string_body> msg;
    const auto verb = http::string_to_verb(req.method);
    if (verb == http::verb::unknown) {
        msg.method_string(req.method);
    } else {
        msg.method(verb);
    }
    msg.target(req.target);
    msg.version(11);
    const bool default_port = opt.port == (opt.tls ? 443 : 80);
    msg.set(http::field::host, default_port ? opt.host : opt.host + ":" + std::to_string(opt.port));
    msg.set(http::field::user_agent, "hearth-kit");
    msg.keep_alive(true);
    if (!authorization.empty()) {
        msg.set(http::field::authorization, authorization);
    }
    for (const auto& [name, value] : req.headers) {
        msg.set(name, value);
    }
    if (!req.body.empty() || verb == http::verb::post || verb == http::verb::put) {
        if (!req.content_type.empty()) {
            msg.set(http::field::content_type, req.content_type);
        }
        msg.body() = req.body;
    }
    msg.prepare_payload();
    return msg;
}

http_response to_response(http::response<http::string_body>&& msg) {
    http_response out;
    out.status = msg.result_int();
    for (const auto& field : msg) {
        out.headers[lower(std::string_view(field.name_string().data(), field.name_string().size()))] =
            std::string(field.value());
    }
    out.content_type = std::string(msg[http::field::content_type]);
    out.body = std::move(msg.body());
    return out;
}

template <class Stream>
asio::awaitable<boost::system::error_code> exchange(Stream& stream, beast::flat_buffer& buffer,
                                                    http::request<http::string_body>& req,
                                                    http::response_parser<http::string_body>& parser,
                                                    std::size_t body_limit) {
    boost::system::error_code ec;
    co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
        co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    }
    // Beast 1.74 does not apply body_limit to a Content-Length body that is already buffered.
    if (!ec && parser.content_length() && *parser.content_length() > body_limit) {
        ec = http::error::body_limit;
    }
    if (!ec && !parser.is_done()) {
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return ec;
}

/// One request, start to end; runs inside the worker coroutine.
asio::awaitable<result<http_response>> execute(std::shared_ptr<http_client::impl> self, const http_request& req) {
    const std::string what = req.method + " " + req.target;
    const auto start = clock::now();
    const auto deadline = start + self->opt.timeout;
    bool reopened = false;
    bool fresh = false;  // a challenge received during this request was answered
    for (int attempt = 0; attempt < 4; ++attempt) {
        const bool reused = self->conn != nullptr;
        if (!reused) {
            self->conn = std::make_unique<detail::transport>(self->io, self->tls);
            self->buffer.clear();
            ++self->opened;
            auto failed = co_await self->conn->open(self->opt, self->tls, deadline);
            if (self->closed) {
                co_return net_error{status::internal, what + ": client closed"};
            }
            if (failed) {
                self->conn.reset();
                failed->message = what + ": " + failed->message;
                co_return std::move(*failed);
            }
        }
        auto msg = make_request(self->opt, req, self->authorization(req.method, req.target));
        http::response_parser<http::string_body> parser;
        parser.body_limit(self->opt.body_limit);
        parser.header_limit(64 * 1024);
        self->conn->tcp().expires_at(deadline);
        auto& conn = *self->conn;
        boost::system::error_code ec;
        if (conn.is_tls()) {  // not `?:`: GCC 12 miscompiles co_await inside a conditional expression
            ec = co_await exchange(conn.tls(), self->buffer, msg, parser, self->opt.body_limit);
        } else {
            ec = co_await exchange(conn.tcp(), self->buffer, msg, parser, self->opt.body_limit);
        }
        if (self->closed) {
            co_return net_error{status::internal, what + ": client closed"};
        }
        if (ec) {
            self->conn->close();
            self->conn.reset();
            if (reused && !reopened && !parser.got_some() && detail::is_peer_close(ec) && clock::now() < deadline) {
                reopened = true;  // the kept-alive connection was closed by the device: once more
                continue;
            }
            if (ec == http::error::body_limit) {
                co_return net_error{status::invalid, what + ": response body exceeds the limit of " +
                                                         std::to_string(self->opt.body_limit) + " bytes"};
            }
            co_return io_failure(what, ec, start, deadline);
        }
        auto res = parser.release();
        if (!res.keep_alive()) {
            self->conn->close();
            self->conn.reset();
        }
        if (res.result() == http::status::unauthorized) {
            if (self->on_unauthorized(res.base(), fresh) == detail::auth_step::retry) {
                continue;
            }
            co_return net_error{status::device_error, self->auth_failure(what), 401};
        }
        if (res.result_int() < 200 || res.result_int() > 299) {
            const auto code = res.result_int();
            co_return net_error{status::device_error,
                                what + ": HTTP " + std::to_string(code) + " " + std::string(res.reason()), code};
        }
        co_return to_response(std::move(res));
    }
    co_return net_error{status::device_error, self->auth_failure(what), 401};
}

asio::awaitable<void> worker(std::shared_ptr<http_client::impl> self) {
    while (!self->closed && !self->queue.empty()) {
        auto job = std::move(self->queue.front());
        self->queue.pop_front();
        auto outcome = co_await execute(self, job.req);
        if (self->closed) {
            break;
        }
        self->deliver([done = std::move(job.done), r = std::move(outcome)]() mutable { done(std::move(r)); });
    }
    self->busy = false;
}

result<nlohmann::json> parse_json(const std::string& what, result<http_response> r) {
    if (!r) {
        return r.error();
    }
    if (r->body.empty()) {
        return nlohmann::json();
    }
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    if (j.is_discarded()) {
        const auto head = r->body.substr(0, 60);
        return net_error{status::invalid, what + ": the answer is not JSON (starts with \"" + head + "\")", r->status};
    }
    return j;
}

}  // namespace

http_client::impl::impl(asio::io_context& io_, http_options options_)
    : io(io_), opt(std::move(options_)), tls(detail::make_tls(opt)), where(opt.host + ":" + std::to_string(opt.port)) {}

void http_client::impl::shutdown() noexcept {
    closed = true;
    queue.clear();
    if (conn) {
        conn->close();
    }
    for (auto& weak : streams) {
        if (auto s = weak.lock()) {
            s->stopped = true;
            if (s->conn) {
                s->conn->close();
            }
        }
    }
}

void http_client::impl::kick() {
    if (busy || closed || queue.empty()) {
        return;
    }
    busy = true;
    asio::co_spawn(io, worker(shared_from_this()), rethrow);
}

void http_client::impl::deliver(std::function<void()> fn, std::shared_ptr<detail::stream_state> stream) {
    asio::post(io, [self = shared_from_this(), fn = std::move(fn), stream = std::move(stream)] {
        if (!self->closed && !(stream && stream->stopped)) {
            fn();
        }
    });
}

http_client::http_client(asio::io_context& io, http_options options) {
    if (options.host.empty()) {
        throw std::invalid_argument("http_client: host is empty");
    }
    impl_ = std::make_shared<impl>(io, std::move(options));
}

http_client::~http_client() { impl_->shutdown(); }

void http_client::request(http_request req, response_fn done) {
    impl_->queue.push_back({std::move(req), std::move(done)});
    impl_->kick();
}

void http_client::get(std::string target, response_fn done) {
    http_request req;
    req.target = std::move(target);
    request(std::move(req), std::move(done));
}

void http_client::get_json(std::string target, json_fn done) {
    std::string what = "GET " + target;
    get(std::move(target), [what = std::move(what), done = std::move(done)](result<http_response> r) {
        done(parse_json(what, std::move(r)));
    });
}

void http_client::post_json(std::string target, const nlohmann::json& body, json_fn done) {
    http_request req;
    req.method = "POST";
    req.target = std::move(target);
    req.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    req.content_type = "application/json";
    req.headers["Accept"] = "application/json";
    std::string what = "POST " + req.target;
    request(std::move(req), [what = std::move(what), done = std::move(done)](result<http_response> r) {
        done(parse_json(what, std::move(r)));
    });
}

std::string http_client::endpoint() const { return impl_->where; }

std::size_t http_client::connections_opened() const noexcept { return impl_->opened; }

}  // namespace hearth::kit
