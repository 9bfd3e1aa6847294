// One connection of http_client: resolve (bounded by the deadline), connect, TLS handshake with
// host-name or pin verification.
#include "net_transport.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>

namespace hearth::kit::detail {

namespace {

std::string ms_until(clock::time_point start, clock::time_point deadline) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - start).count());
}

}  // namespace

transport::transport(asio::io_context& io, const tls_setup& tls) : io_(io) {
    if (tls.context) {
        tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, *tls.context);
    } else {
        plain_ = std::make_unique<beast::tcp_stream>(io);
    }
}

beast::tcp_stream& transport::tcp() { return tls_ ? tls_->next_layer() : *plain_; }

void transport::close() noexcept {
    boost::system::error_code ignored;
    tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    tcp().close();
}

asio::awaitable<std::optional<net_error>> transport::open(const http_options& options, const tls_setup& tls,
                                                          clock::time_point deadline) {
    using asio::redirect_error;
    using asio::use_awaitable;
    const auto start = clock::now();
    const std::string where = options.host + ":" + std::to_string(options.port);
    boost::system::error_code ec;

    asio::ip::tcp::resolver::results_type endpoints;
    const auto address = asio::ip::make_address(options.host, ec);
    const bool is_name = static_cast<bool>(ec);
    if (!is_name) {
        endpoints = asio::ip::tcp::resolver::results_type::create(asio::ip::tcp::endpoint(address, options.port),
                                                                  options.host, std::to_string(options.port));
    } else {
        asio::ip::tcp::resolver resolver(io_);
        asio::steady_timer timer(io_, deadline);
        bool timed_out = false;
        timer.async_wait([&resolver, &timed_out](const boost::system::error_code& e) {
            if (!e) {
                timed_out = true;
                resolver.cancel();
            }
        });
        endpoints = co_await resolver.async_resolve(options.host, std::to_string(options.port),
                                                    redirect_error(use_awaitable, ec));
        timer.cancel();
        if (timed_out) {
            co_return net_error{status::timeout,
                                "resolving " + options.host + " timed out after " + ms_until(start, deadline) + " ms"};
        }
        if (ec) {
            co_return net_error{status::offline, "cannot resolve " + options.host + ": " + ec.message()};
        }
    }

    tcp().expires_at(deadline);
    co_await tcp().async_connect(endpoints, redirect_error(use_awaitable, ec));
    if (ec == beast::error::timeout) {
        co_return net_error{status::timeout,
                            "connecting to " + where + " timed out after " + ms_until(start, deadline) + " ms"};
    }
    if (ec) {
        co_return net_error{status::offline, "cannot connect to " + where + ": " + ec.message()};
    }
    tcp().socket().set_option(asio::ip::tcp::no_delay(true), ec);
    if (!tls_) {
        co_return std::nullopt;
    }

    if (is_name) {  // send a host name (not an address) as SNI
        SSL_set_tlsext_host_name(tls_->native_handle(), options.host.c_str());
    }
    if (tls.pin.empty()) {
        tls_->set_verify_callback(asio::ssl::host_name_verification(options.host));
    }
    co_await tls_->async_handshake(asio::ssl::stream_base::client, redirect_error(use_awaitable, ec));
    if (ec == beast::error::timeout) {
        co_return net_error{status::timeout,
                            "TLS handshake with " + where + " timed out after " + ms_until(start, deadline) + " ms"};
    }
    if (ec) {
        co_return net_error{status::device_error, "TLS handshake with " + where + " failed: " + ec.message()};
    }
    if (!tls.pin.empty()) {
        const std::string seen = peer_fingerprint(tls_->native_handle());
        if (seen != tls.pin) {
            co_return net_error{status::device_error, "TLS certificate pin mismatch for " + where +
                                                          ": expected sha256 " + tls.pin + ", seen " +
                                                          (seen.empty() ? "no certificate" : seen)};
        }
    }
    co_return std::nullopt;
}

}  // namespace hearth::kit::detail
