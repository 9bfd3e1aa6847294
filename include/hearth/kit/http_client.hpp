// HTTP/1.1 client of one device (host, port) on the driver's io thread (Boost.Beast).
//
// Requests are queued and sent one after another over one kept-alive connection; if the device
// closed that connection meanwhile, it is re-opened once, transparently. Each request has a
// timeout (connect + send + receive) and a response body cap. Credentials are sent as Basic
// (preemptively or when challenged) or answer a Digest challenge (RFC 7616: MD5, SHA-256,
// qop=auth), whose nonce is then reused with an increasing nonce count. TLS verifies the device
// against a CA file or a SHA-256 pin of its certificate. stream() keeps a separate connection
// open for a multipart/x-mixed-replace event stream (e.g. ISAPI alertStream).
//
// Every callback gets a result: a response (2xx) or a net_error with a precise status and
// message. Callbacks run on the io thread and are never called after the client (or the
// http_stream handle) is destroyed; destroying either with operations in flight is safe.
#pragma once

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include <hearth/kit/multipart_parser.hpp>
#include <hearth/kit/net_result.hpp>

#include <boost/asio/io_context.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hearth::kit {

/// How credentials are presented.
enum class http_auth {
    automatic,  ///< answer the device's 401 challenge (Digest preferred, else Basic)
    basic,      ///< send Basic credentials with every request
    digest,     ///< answer Digest challenges only (never send the password in clear)
};

struct http_options {
    std::string host{};                                 ///< IP address or host name
    std::uint16_t port = 80;                            ///< e.g. 443 with tls
    std::chrono::milliseconds timeout{5000};            ///< per request: connect, send and receive
    std::size_t body_limit = std::size_t{1024} * 1024;  ///< larger responses fail with status::invalid
    std::string username{};                             ///< empty: no authentication
    std::string password{};
    http_auth auth = http_auth::automatic;
    bool tls = false;          ///< HTTPS
    std::string ca_file{};     ///< tls: PEM file of trusted CAs (else the system's)
    std::string pin_sha256{};  ///< tls: hex SHA-256 of the device's certificate (colons allowed);
                               ///< when set, it replaces CA verification
    std::chrono::milliseconds stream_idle_timeout{60'000};    ///< stream(): longest silence
    std::size_t stream_part_limit = std::size_t{256} * 1024;  ///< stream(): larger parts are dropped
};

struct http_request {
    std::string method = "GET";
    std::string target = "/";
    std::string body{};
    std::string content_type{};                    ///< sent when body is not empty
    std::map<std::string, std::string> headers{};  ///< extra request headers
};

struct http_response {
    unsigned status = 0;
    std::string content_type{};
    std::map<std::string, std::string> headers{};  ///< names lower-cased
    std::string body{};
};

/// The handle of an open stream(); destroying it (or stop()) closes the stream silently.
class http_stream {
public:
    http_stream() = default;
    explicit http_stream(std::function<void()> stop) : stop_(std::move(stop)) {}
    http_stream(http_stream&& other) noexcept : stop_(std::exchange(other.stop_, {})) {}
    http_stream& operator=(http_stream&& other) noexcept {
        if (this != &other) {
            stop();
            stop_ = std::exchange(other.stop_, {});
        }
        return *this;
    }
    http_stream(const http_stream&) = delete;
    http_stream& operator=(const http_stream&) = delete;
    ~http_stream() { stop(); }

    /// Closes the stream; its callbacks are not called any more. Idempotent.
    void stop() noexcept {
        if (auto fn = std::exchange(stop_, {})) {
            fn();
        }
    }

private:
    std::function<void()> stop_;
};

class http_client {
public:
    using response_fn = std::function<void(result<http_response>)>;
    using json_fn = std::function<void(result<nlohmann::json>)>;
    using part_fn = std::function<void(const multipart_part&)>;
    using end_fn = std::function<void(const net_error&)>;
    using open_fn = std::function<void()>;

    /// Nothing is connected until the first request. Throws std::invalid_argument for options
    /// that cannot work (empty host, unreadable ca_file, malformed pin).
    http_client(boost::asio::io_context& io, http_options options);
    http_client(const http_client&) = delete;
    http_client& operator=(const http_client&) = delete;
    /// Closes the connection; queued and in-flight callbacks are dropped, never called.
    ~http_client();

    /// Queues `req`; `done` gets the response if the status is 2xx, else a net_error
    /// (offline: cannot connect; timeout; device_error: HTTP error status or authentication
    /// refused; invalid: malformed response or body over the limit).
    void request(http_request req, response_fn done);
    void get(std::string target, response_fn done);

    /// GET `target` and parse the body as JSON (status::invalid if it is not JSON).
    void get_json(std::string target, json_fn done);
    /// POST `body` as application/json to `target` and parse the answer as JSON; an empty
    /// answer body gives a null json.
    void post_json(std::string target, const nlohmann::json& body, json_fn done);

    /// Opens a long-lived GET of a multipart stream on its own connection: `on_open` (optional)
    /// is called once when the device accepted it (200 with a multipart Content-Type), before
    /// any part; `on_part` gets each part as it completes; `on_end` is called once when the
    /// stream ends (device closed it, error, or no byte for stream_idle_timeout) unless the
    /// handle was stopped first.
    [[nodiscard]] http_stream stream(std::string target, part_fn on_part, end_fn on_end, open_fn on_open = {});

    /// "host:port", as used in messages.
    [[nodiscard]] std::string endpoint() const;
    /// TCP connections opened so far (diagnostics and tests).
    [[nodiscard]] std::size_t connections_opened() const noexcept;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace hearth::kit
