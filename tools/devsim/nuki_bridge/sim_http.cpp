// Role: implementation of the simulator's HTTP server and callback poster (see sim_http.hpp).
#include "sim_http.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <iostream>

namespace nuki_sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

/// One client connection (keep-alive supported), requests answered in order.
class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket s, bridge_sim& sim) : stream_(std::move(s)), sim_(sim), delay_(stream_.get_executor()) {}

    void read() {
        req_ = {};
        stream_.expires_after(std::chrono::seconds(30));
        http::async_read(stream_, buffer_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (!ec) self->on_request();
        });
    }

private:
    void on_request() {
        const sim_response r = sim_.handle(req_.method() == http::verb::post, std::string(req_.target()));
        if (r.drop) {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
            stream_.socket().close(ignored);
            return;
        }
        res_ = {};
        res_.result(r.status);
        res_.version(req_.version());
        res_.set(http::field::server, "nuki_bridge_sim");
        res_.set(http::field::content_type, "application/json;charset=UTF-8");
        res_.keep_alive(req_.keep_alive());
        res_.body() = r.body;
        res_.prepare_payload();
        if (r.delay.count() <= 0) return write();
        delay_.expires_after(r.delay);
        delay_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec) self->write();
        });
    }

    void write() {
        stream_.expires_after(std::chrono::seconds(30));
        http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return;
            if (self->res_.keep_alive()) return self->read();
            beast::error_code ignored;
            self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        });
    }

    beast::tcp_stream stream_;
    bridge_sim& sim_;
    asio::steady_timer delay_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> req_;
    http::response<http::string_body> res_;
};

void accept(tcp::acceptor& acceptor, bridge_sim& sim) {
    acceptor.async_accept([&acceptor, &sim](beast::error_code ec, tcp::socket socket) {
        if (!acceptor.is_open()) return;
        if (!ec) std::make_shared<session>(std::move(socket), sim)->read();
        accept(acceptor, sim);
    });
}

/// One callback POST.
class poster : public std::enable_shared_from_this<poster> {
public:
    poster(asio::io_context& io, std::string host, std::string port, std::string target, const std::string& body,
           bool quiet)
        : stream_(io), resolver_(io), host_(std::move(host)), port_(std::move(port)), quiet_(quiet) {
        req_ = {http::verb::post, target, 11};
        req_.set(http::field::host, host_);
        req_.set(http::field::content_type, "application/json;charset=UTF-8");
        req_.body() = body;
        req_.prepare_payload();
    }

    void run() {
        stream_.expires_after(std::chrono::seconds(2));
        resolver_.async_resolve(
            host_, port_, [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
                if (ec) return self->fail("resolve", ec);
                self->stream_.async_connect(r, [self](beast::error_code e, const tcp::endpoint&) {
                    if (e) return self->fail("connect", e);
                    http::async_write(self->stream_, self->req_, [self](beast::error_code we, std::size_t) {
                        if (we) return self->fail("write", we);
                        http::async_read(self->stream_, self->buffer_, self->res_,
                                         [self](beast::error_code re, std::size_t) {
                                             if (re) return self->fail("read", re);
                                             beast::error_code ignored;
                                             self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
                                         });
                    });
                });
            });
    }

private:
    void fail(const char* phase, const beast::error_code& ec) {
        if (!quiet_)
            std::cout << "callback to " << host_ << ":" << port_ << " failed (" << phase << "): " << ec.message()
                      << std::endl;
    }

    beast::tcp_stream stream_;
    tcp::resolver resolver_;
    std::string host_, port_;
    bool quiet_;
    http::request<http::string_body> req_;
    beast::flat_buffer buffer_;
    http::response<http::string_body> res_;
};

}  // namespace

std::unique_ptr<tcp::acceptor> start_server(asio::io_context& io, int port, bridge_sim& sim) {
    auto acceptor = std::make_unique<tcp::acceptor>(io);
    const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    acceptor->open(ep.protocol());
    acceptor->set_option(asio::socket_base::reuse_address(true));
    acceptor->bind(ep);
    acceptor->listen();
    accept(*acceptor, sim);
    return acceptor;
}

void post_callback(asio::io_context& io, const std::string& url, const std::string& json_body, bool quiet) {
    // http://host[:port]/path  (IPv6 literals in brackets)
    const std::string rest = url.substr(7);
    const auto slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    const std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
    std::string host = authority, port = "80";
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        host = authority.substr(1, close - 1);
        if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
    } else if (const auto colon = authority.rfind(':'); colon != std::string::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    std::make_shared<poster>(io, host, port, target, json_body, quiet)->run();
}

}  // namespace nuki_sim
