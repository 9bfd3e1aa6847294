// callback_server (see include/hearth/kit/callback_server.hpp).
#include <utility>  // before Boost.Asio/Beast (Boost 1.74 + GCC 12 + C++20)

#include <hearth/kit/callback_server.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <stdexcept>

namespace hearth::kit {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::chrono::milliseconds k_accept_backoff{100};

}  // namespace

struct callback_server::impl : std::enable_shared_from_this<callback_server::impl> {
    impl(asio::io_context& io, std::string p, handler h, callback_limits l)
        : acceptor(io), backoff(io), path(std::move(p)), on_body(std::move(h)), limits(l) {}

    void accept();

    tcp::acceptor acceptor;
    asio::steady_timer backoff;
    std::string path;
    handler on_body;
    callback_limits limits;
    std::size_t open = 0;
    std::uint64_t refused = 0;
    bool closed = false;
};

namespace {

/// One connection: read one request, answer it, close.
class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket socket, std::shared_ptr<callback_server::impl> server)
        : stream_(std::move(socket)), server_(std::move(server)) {
        ++server_->open;
    }
    ~session() { --server_->open; }
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    void run() {
        parser_.body_limit(server_->limits.body_limit);
        stream_.expires_after(server_->limits.request_deadline);  // the whole request, idle or slow
        http::async_read(stream_, buffer_, parser_,
                         [self = shared_from_this()](const beast::error_code& ec, std::size_t) { self->on_read(ec); });
    }

private:
    void on_read(const beast::error_code& ec) {
        if (ec || server_->closed) return;  // timeout, oversized, garbage or closed: drop it
        const auto& req = parser_.get();
        http::status code = http::status::ok;
        if (req.target() != server_->path) {
            code = http::status::not_found;
        } else if (req.method() != http::verb::post) {
            code = http::status::method_not_allowed;
        } else if (auto body = nlohmann::json::parse(req.body(), nullptr, false); !body.is_object()) {
            code = http::status::bad_request;  // also not JSON at all (discarded)
        } else {
            try {
                server_->on_body(body);
            } catch (...) {
                code = http::status::internal_server_error;
            }
        }
        res_.result(code);
        res_.version(11);
        res_.set(http::field::content_type, "application/json");
        res_.keep_alive(false);
        res_.body() = code == http::status::ok ? "{\"success\":true}" : "{\"success\":false}";
        res_.prepare_payload();
        stream_.expires_after(server_->limits.request_deadline);
        http::async_write(stream_, res_, [self = shared_from_this()](const beast::error_code&, std::size_t) {
            beast::error_code ignored;
            self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        });
    }

    beast::tcp_stream stream_;
    std::shared_ptr<callback_server::impl> server_;
    beast::flat_buffer buffer_;
    http::request_parser<http::string_body> parser_;
    http::response<http::string_body> res_;
};

}  // namespace

void callback_server::impl::accept() {
    acceptor.async_accept([self = shared_from_this()](const beast::error_code& ec, tcp::socket socket) {
        if (self->closed) return;
        if (ec) {  // e.g. EMFILE: wait instead of spinning on the error
            self->backoff.expires_after(k_accept_backoff);
            self->backoff.async_wait([self](const beast::error_code& wait_ec) {
                if (!wait_ec && !self->closed) self->accept();
            });
            return;
        }
        if (self->open >= self->limits.max_connections) {
            ++self->refused;
            beast::error_code ignored;
            socket.close(ignored);
        } else {
            std::make_shared<session>(std::move(socket), self)->run();
        }
        self->accept();
    });
}

callback_server::callback_server(asio::io_context& io, const std::string& address, int port, std::string path,
                                 handler on_body, callback_limits limits)
    : impl_(std::make_shared<impl>(io, std::move(path), std::move(on_body), limits)) {
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
}

callback_server::~callback_server() { close(); }

int callback_server::port() const {
    beast::error_code ec;
    const auto ep = impl_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

std::uint64_t callback_server::refused() const { return impl_->refused; }

std::size_t callback_server::open_connections() const { return impl_->open; }

void callback_server::close() {
    impl_->closed = true;  // the pending accept and open sessions end without calling on_body
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->backoff.cancel();
}

}  // namespace hearth::kit
