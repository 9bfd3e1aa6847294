// Internal to the toolkit: one plain or TLS TCP connection of http_client (connect with a
// deadline, TLS handshake with CA or pin verification), and the TLS settings it is built from.
#pragma once

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include <hearth/kit/http_client.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace hearth::kit::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using clock = std::chrono::steady_clock;

/// The TLS half of http_options, prepared once per client.
struct tls_setup {
    std::shared_ptr<asio::ssl::context> context;  ///< null without TLS
    std::string pin;                              ///< lower-case hex without colons, or empty
};

/// Builds the TLS context; throws std::invalid_argument for an unreadable CA file or a pin
/// that is not 64 hex digits.
tls_setup make_tls(const http_options& options);

/// Lower-case hex SHA-256 of the DER encoding of the peer's certificate; empty if none.
std::string peer_fingerprint(SSL* ssl);

/// True for errors meaning "the peer closed the connection" (a stale keep-alive connection).
bool is_peer_close(const boost::system::error_code& ec);

/// One connection to the device, plain or TLS.
class transport {
public:
    transport(asio::io_context& io, const tls_setup& tls);

    [[nodiscard]] beast::tcp_stream& tcp();
    [[nodiscard]] bool is_tls() const noexcept { return tls_ != nullptr; }
    [[nodiscard]] beast::ssl_stream<beast::tcp_stream>& tls() { return *tls_; }
    /// Closes the socket: pending operations complete with an error. Idempotent.
    void close() noexcept;

    /// Resolves, connects and (with TLS) handshakes and verifies, all before `deadline`.
    /// Returns an error sentence (without the request prefix) or nullopt.
    asio::awaitable<std::optional<net_error>> open(const http_options& options, const tls_setup& tls,
                                                   clock::time_point deadline);

private:
    asio::io_context& io_;
    std::unique_ptr<beast::tcp_stream> plain_;
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls_;
};

}  // namespace hearth::kit::detail
