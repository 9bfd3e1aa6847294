// Role: the ISAPI HTTP client of one camera, as C++20 coroutines on the driver's own
// io_context: one-shot requests (snapshot, privacy mask) and the long-lived alert stream, all
// with HTTP Digest authentication (challenge cached and reused with an increasing nonce count,
// one retry on 401) and per-operation timeouts. Errors are thrown as request_error whose
// message is safe to log: it names the host, port, path and username, never the password.
//
// Not thread-safe: every member must be used from the io_context's single thread.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "camera_config.hpp"
#include <hearth/kit/digest_auth.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hearth::isapi {

/// Why a request failed.
enum class failure {
    unreachable,  ///< name resolution or TCP connect failed
    timeout,      ///< connect, write or read took longer than allowed
    auth,         ///< the camera refused our credentials (or offers no Digest)
    http_status,  ///< the camera answered with a non-2xx status
    too_large,    ///< the response body exceeded the caller's limit
    protocol,     ///< malformed or unexpected response
};

/// A failed request; what() is a complete, password-free sentence for the log.
class request_error : public std::runtime_error {
public:
    request_error(failure kind, const std::string& what, unsigned http_status = 0)
        : std::runtime_error(what), kind_(kind), http_status_(http_status) {}
    [[nodiscard]] failure kind() const noexcept { return kind_; }
    [[nodiscard]] unsigned http_status() const noexcept { return http_status_; }

private:
    failure kind_;
    unsigned http_status_;
};

/// A complete response.
struct http_reply {
    unsigned status = 0;
    std::string content_type;
    std::string body;
};

class isapi_client {
public:
    /// `cfg` must outlive the client.
    isapi_client(boost::asio::any_io_executor ex, const camera_config& cfg);

    /// Sends one request and reads the whole response (body at most `body_limit` bytes, else
    /// failure::too_large). Returns any status except 401; throws request_error.
    boost::asio::awaitable<http_reply> request(boost::beast::http::verb verb, std::string target, std::string body = {},
                                               std::string content_type = {}, std::size_t body_limit = 64 * 1024);

    /// Opens a streaming GET (the alert stream), calls `on_open(content_type)` once the 200
    /// header arrived, then `on_data` with each piece of the (de-chunked) body. Returns when the
    /// camera ends the body; throws request_error on failure, including when no byte arrived
    /// for cfg.stream_idle_timeout().
    boost::asio::awaitable<void> stream(std::string target, std::function<void(const std::string&)> on_open,
                                        std::function<void(std::string_view)> on_data);

    /// "host:port" as used in log lines.
    [[nodiscard]] std::string endpoint() const;

private:
    boost::asio::awaitable<boost::beast::tcp_stream> connect();
    boost::asio::awaitable<void> send(boost::beast::tcp_stream& stream, boost::beast::http::verb verb,
                                      const std::string& target, const std::string& body,
                                      const std::string& content_type);
    boost::asio::awaitable<void> read_head(boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buffer,
                                           boost::beast::http::response_parser<boost::beast::http::buffer_body>& parser,
                                           const std::string& target);
    /// Reads the body piece by piece into `on_data` (which may throw to abort), each read
    /// bounded by `idle_timeout`; returns at the end of the body.
    boost::asio::awaitable<void> read_body(boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buffer,
                                           boost::beast::http::response_parser<boost::beast::http::buffer_body>& parser,
                                           std::chrono::milliseconds idle_timeout, const std::string& target,
                                           const std::function<void(std::string_view)>& on_data);
    /// Handles a 401: caches the new challenge; throws unless a retry makes sense.
    void on_unauthorized(std::string_view www_authenticate, int attempt, const std::string& target);
    [[noreturn]] void throw_io(const boost::system::error_code& ec, const std::string& doing) const;

    boost::asio::any_io_executor ex_;
    const camera_config& cfg_;
    std::optional<kit::digest_challenge> challenge_;
    std::uint32_t nc_ = 0;  // nonce count of challenge_
};

}  // namespace hearth::isapi
