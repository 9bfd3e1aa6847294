// Role: a small, strictly bounded HTTP/1.1 client (Boost.Beast) and the Nuki bridge's request
// authentication. Each request runs on its own private io_context for at most its timeout, so a
// caller blocks for a known, short time and can be aborted from another thread. Error texts name
// the phase and the path, never the query string (which carries the token or its hash).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace hearth::nuki {

/// The outcome of one HTTP exchange.
struct http_result {
    bool transport_ok = false;  ///< a complete response was read
    bool connected = false;     ///< the TCP connection was established (the request may have arrived)
    unsigned status = 0;        ///< HTTP status when transport_ok
    std::string body;           ///< response body when transport_ok
    std::string error;          ///< why it failed ("" on transport success); never contains a query

    [[nodiscard]] bool ok() const { return transport_ok && status == 200; }
};

/// Lets another thread abort the request in flight (if any). Thread-safe.
class request_canceller {
public:
    /// Stops the request in flight, if any; later requests are unaffected.
    void abort();
    void attach(boost::asio::io_context* ctx);
    void detach();

private:
    std::mutex mutex_;
    boost::asio::io_context* current_ = nullptr;
};

/// One request. `target` is path + query; `path_for_errors` is what error texts show.
struct http_request_spec {
    bool post = false;
    std::string host;
    int port = 80;
    std::string target;
    std::string path_for_errors;
    std::string body;  ///< POST body (JSON)
    std::chrono::milliseconds timeout{3000};
};

/// Performs one request, returning within about `spec.timeout` (plus 200 ms at most).
http_result http_request(const http_request_spec& spec, request_canceller* canceller = nullptr);

/// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view s);

/// Lower-case hex SHA-256 of `s` (OpenSSL libcrypto).
std::string sha256_hex(std::string_view s);

/// "2019-03-05T01:06:53Z" (UTC, seconds) as the bridge expects for `ts`.
std::string utc_timestamp(std::chrono::system_clock::time_point t);

/// The hashed-token query: ts=..&rnr=..&hash=SHA256(ts + "," + rnr + "," + token).
std::string hashed_token_query(const std::string& token, const std::string& ts, std::uint32_t rnr);

/// Client of one Nuki bridge: adds authentication to every request. Holds the token; never
/// exposes it in results or errors.
class bridge_client {
public:
    using params = std::vector<std::pair<std::string, std::string>>;

    bridge_client(std::string host, int port, std::string token, bool hashed, std::chrono::milliseconds timeout);

    /// GET `path` with `query` (values are URL-encoded) plus authentication, bounded by the
    /// configured timeout or `timeout` when given.
    http_result get(const std::string& path, const params& query,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

    /// Aborts the request in flight (from any thread).
    void abort_in_flight() { canceller_.abort(); }

private:
    std::string auth_query();

    std::string host_;
    int port_;
    std::string token_;
    bool hashed_;
    std::chrono::milliseconds timeout_;
    std::atomic<std::uint32_t> rnr_;
    request_canceller canceller_;
};

}  // namespace hearth::nuki
