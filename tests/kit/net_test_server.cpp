// The in-test HTTP server, run_until and the test certificate (see net_test_server.hpp).
#include "net_test_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace hearth::kit::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::redirect_error;
using asio::use_awaitable;
using asio::ip::tcp;

struct http_server::shared {
    shared(asio::io_context& io_, handler h_, std::shared_ptr<asio::ssl::context> tls_)
        : io(io_), acceptor(io_), h(std::move(h_)), tls(std::move(tls_)) {}
    asio::io_context& io;
    tcp::acceptor acceptor;
    handler h;
    std::shared_ptr<asio::ssl::context> tls;
    bool stopped = false;
};

namespace {

template <class Stream>
asio::awaitable<void> serve(std::shared_ptr<http_server::shared> s, Stream& stream) {
    beast::flat_buffer buffer;
    for (;;) {
        boost::system::error_code ec;
        http::request<http::string_body> req;
        co_await http::async_read(stream, buffer, req, redirect_error(use_awaitable, ec));
        if (ec || s->stopped) {
            co_return;
        }
        server_request in{std::string(req.method_string()), std::string(req.target()),
                          std::string(req[http::field::authorization]), std::string(req[http::field::content_type]),
                          req.body()};
        const server_reply reply = s->h(in);
        switch (reply.what) {
        case server_reply::kind::close: co_return;
        case server_reply::kind::hang: {
            asio::steady_timer forever(s->io, std::chrono::hours(1));
            co_await forever.async_wait(redirect_error(use_awaitable, ec));
            co_return;
        }
        case server_reply::kind::raw:
            for (const auto& piece : reply.pieces) {
                co_await asio::async_write(stream, asio::buffer(piece), redirect_error(use_awaitable, ec));
                if (ec) {
                    co_return;
                }
                if (reply.gap.count() > 0) {
                    asio::steady_timer gap(s->io, reply.gap);
                    co_await gap.async_wait(redirect_error(use_awaitable, ec));
                }
            }
            co_return;
        case server_reply::kind::respond:
        case server_reply::kind::respond_then_close: {
            http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
            res.set(http::field::content_type, reply.content_type);
            for (const auto& [name, value] : reply.headers) {
                res.insert(name, value);
            }
            res.body() = reply.body;
            res.keep_alive(req.keep_alive());
            res.prepare_payload();
            co_await http::async_write(stream, res, redirect_error(use_awaitable, ec));
            if (ec || reply.what == server_reply::kind::respond_then_close || !req.keep_alive()) {
                co_return;
            }
        }
        }
    }
}

asio::awaitable<void> session(std::shared_ptr<http_server::shared> s, tcp::socket socket) {
    if (!s->tls) {
        co_await serve(s, socket);
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        co_return;
    }
    asio::ssl::stream<tcp::socket> stream(std::move(socket), *s->tls);
    boost::system::error_code ec;
    co_await stream.async_handshake(asio::ssl::stream_base::server, redirect_error(use_awaitable, ec));
    if (!ec) {
        co_await serve(s, stream);
    }
    boost::system::error_code ignored;
    stream.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> accept_loop(std::shared_ptr<http_server::shared> s, std::shared_ptr<std::size_t> accepts) {
    for (;;) {
        boost::system::error_code ec;
        tcp::socket socket = co_await s->acceptor.async_accept(redirect_error(use_awaitable, ec));
        if (ec || s->stopped) {
            co_return;
        }
        ++*accepts;
        asio::co_spawn(s->io, session(s, std::move(socket)), asio::detached);
    }
}

}  // namespace

http_server::http_server(asio::io_context& io, handler h, std::shared_ptr<asio::ssl::context> tls)
    : shared_(std::make_shared<shared>(io, std::move(h), std::move(tls))), accepts_(std::make_shared<std::size_t>(0)) {
    const tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
    shared_->acceptor.open(local.protocol());
    shared_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    shared_->acceptor.bind(local);
    shared_->acceptor.listen();
    port_ = shared_->acceptor.local_endpoint().port();
    asio::co_spawn(io, accept_loop(shared_, accepts_), asio::detached);
}

http_server::~http_server() {
    shared_->stopped = true;
    boost::system::error_code ignored;
    shared_->acceptor.close(ignored);
}

bool run_until(asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        if (io.stopped()) {
            io.restart();
        }
        io.run_one_for(std::chrono::milliseconds(10));
    }
    return done();
}

test_cert make_test_cert() {
    test_cert c;
    char pattern[] = "/tmp/hearth-kit-tls-XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    c.dir = pattern;
    c.cert_file = c.dir + "/cert.pem";
    c.key_file = c.dir + "/key.pem";
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
        c.key_file + " -out " + c.cert_file + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) {  // NOLINT(cert-env33-c): a fixed command line
        throw std::runtime_error("openssl req failed: " + cmd);
    }
    FILE* f = std::fopen(c.cert_file.c_str(), "r");
    if (f == nullptr) {
        throw std::runtime_error("cannot read " + c.cert_file);
    }
    X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    X509_digest(cert, EVP_sha256(), md, &len);
    X509_free(cert);
    static constexpr char hex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < len; ++i) {
        c.sha256_hex += hex[md[i] >> 4U];
        c.sha256_hex += hex[md[i] & 15U];
    }
    return c;
}

}  // namespace hearth::kit::test
