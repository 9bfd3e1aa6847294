// Role: implementation of the callback server (see callback_server.hpp).
#include <utility>  // before Boost.Asio/Beast (Boost 1.74 + GCC 12 + C++20)

#include "callback_server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace hearth::nuki {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t k_body_limit = 16 * 1024;
constexpr std::chrono::milliseconds k_accept_backoff{100};

/// What every session needs, shared so that a session never outlives it.
struct route {
    std::string path;
    callback_server::handler on_body;
    callback_limits limits;
    std::atomic<std::size_t> open{0};
    std::atomic<std::uint64_t> refused{0};
};

/// One connection: read one request, answer it, close.
class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket socket, std::shared_ptr<route> r) : stream_(std::move(socket)), route_(std::move(r)) {
        ++route_->open;
    }
    ~session() { --route_->open; }
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    void run() {
        parser_.body_limit(k_body_limit);
        stream_.expires_after(route_->limits.request_deadline);  // the whole request, idle or slow
        http::async_read(stream_, buffer_, parser_,
                         [self = shared_from_this()](const beast::error_code& ec, std::size_t) { self->on_read(ec); });
    }

private:
    void on_read(const beast::error_code& ec) {
        if (ec) return;  // timeout, oversized or garbage: just drop the connection
        const auto& req = parser_.get();
        http::status code = http::status::ok;
        if (req.target() != route_->path) {
            code = http::status::not_found;
        } else if (req.method() != http::verb::post) {
            code = http::status::method_not_allowed;
        } else {
            auto body = nlohmann::json::parse(req.body(), nullptr, false);
            if (body.is_discarded() || !body.is_object()) {
                code = http::status::bad_request;
            } else {
                try {
                    route_->on_body(body);
                } catch (...) {
                    code = http::status::internal_server_error;
                }
            }
        }
        res_.result(code);
        res_.version(11);
        res_.set(http::field::content_type, "application/json");
        res_.keep_alive(false);
        res_.body() = code == http::status::ok ? "{\"success\":true}" : "{\"success\":false}";
        res_.prepare_payload();
        stream_.expires_after(route_->limits.request_deadline);
        http::async_write(stream_, res_, [self = shared_from_this()](const beast::error_code&, std::size_t) {
            beast::error_code ignored;
            self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        });
    }

    beast::tcp_stream stream_;
    std::shared_ptr<route> route_;
    beast::flat_buffer buffer_;
    http::request_parser<http::string_body> parser_;
    http::response<http::string_body> res_;
};

}  // namespace

struct callback_server::impl : std::enable_shared_from_this<callback_server::impl> {
    impl(std::string p, handler h, callback_limits limits)
        : acceptor(io), backoff(io), shared(std::make_shared<route>()) {
        shared->path = std::move(p);
        shared->on_body = std::move(h);
        shared->limits = limits;
    }

    void accept() {
        acceptor.async_accept([self = shared_from_this()](const beast::error_code& ec, tcp::socket socket) {
            if (!self->acceptor.is_open()) return;
            if (ec) {  // e.g. EMFILE: wait instead of spinning on the error
                self->backoff.expires_after(k_accept_backoff);
                self->backoff.async_wait([self](const beast::error_code& wait_ec) {
                    if (!wait_ec) self->accept();
                });
                return;
            }
            if (self->shared->open.load() >= self->shared->limits.max_connections) {
                ++self->shared->refused;
                beast::error_code ignored;
                socket.close(ignored);
            } else {
                std::make_shared<session>(std::move(socket), self->shared)->run();
            }
            self->accept();
        });
    }

    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    tcp::acceptor acceptor;
    asio::steady_timer backoff;
    std::shared_ptr<route> shared;
    std::thread thread;
};

callback_server::callback_server(const std::string& address, int port, std::string path, handler on_body,
                                 callback_limits limits)
    : impl_(std::make_shared<impl>(std::move(path), std::move(on_body), limits)) {
    try {
        const tcp::endpoint ep(asio::ip::make_address(address), static_cast<unsigned short>(port));
        impl_->acceptor.open(ep.protocol());
        impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
        impl_->acceptor.bind(ep);
        impl_->acceptor.listen(asio::socket_base::max_listen_connections);
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot listen for bridge callbacks on " + address + ":" + std::to_string(port) +
                                 ": " + e.what());
    }
    impl_->accept();
    impl_->thread = std::thread([i = impl_] { i->io.run(); });
}

callback_server::~callback_server() { close(); }

int callback_server::port() const {
    beast::error_code ec;
    const auto ep = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

std::uint64_t callback_server::refused() const { return impl_->shared->refused.load(); }

std::size_t callback_server::open_connections() const { return impl_->shared->open.load(); }

void callback_server::close() {
    if (!impl_->thread.joinable()) return;
    impl_->io.stop();
    impl_->thread.join();
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->backoff.cancel();
    impl_->work.reset();
    // Run the aborted accept/backoff handlers here: they hold the server and would otherwise
    // keep it alive (a reference cycle through its own io_context).
    impl_->io.restart();
    impl_->io.poll();
}

}  // namespace hearth::nuki
