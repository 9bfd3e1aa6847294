// Test helper of kit_net_tests: a small HTTP/1.1 server (plain or TLS) on the test's own
// io_context and 127.0.0.1, with a free port from the kernel. A handler decides per request
// whether to answer, close, hang or send raw bytes in pieces; the server counts accepted
// connections. Also: run_until (drive the io_context until a condition, with a deadline) and a
// self-signed certificate made with the openssl CLI.
#pragma once

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hearth::kit::test {

struct server_request {
    std::string method;
    std::string target;
    std::string authorization;
    std::string content_type;
    std::string body;
};

struct server_reply {
    enum class kind {
        respond,             ///< an HTTP response from status/content_type/body/headers
        respond_then_close,  ///< the response (keep-alive) and then close the connection
        close,               ///< close without answering
        hang,                ///< never answer
        raw,                 ///< write `pieces` as they are, one after another, then close
    };
    kind what = kind::respond;
    unsigned status = 200;
    std::string content_type = "text/plain";
    std::string body;
    std::map<std::string, std::string> headers;
    std::vector<std::string> pieces;   ///< kind::raw
    std::chrono::milliseconds gap{0};  ///< kind::raw: pause between pieces
};

class http_server {
public:
    using handler = std::function<server_reply(const server_request&)>;

    /// Listens on 127.0.0.1 (free port); `tls` (server context) makes it HTTPS.
    http_server(boost::asio::io_context& io, handler h, std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
    ~http_server();

    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
    [[nodiscard]] std::size_t accepts() const noexcept { return *accepts_; }

    struct shared;

private:
    std::shared_ptr<shared> shared_;
    std::shared_ptr<std::size_t> accepts_;
    std::uint16_t port_ = 0;
};

/// Runs `io` until `done()` is true or `limit` passed; returns done().
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit = std::chrono::milliseconds(10'000));

/// A self-signed certificate for 127.0.0.1 in a fresh temporary directory.
struct test_cert {
    std::string dir;
    std::string cert_file;
    std::string key_file;
    std::string sha256_hex;  ///< lower-case fingerprint of the certificate
};
test_cert make_test_cert();

}  // namespace hearth::kit::test
