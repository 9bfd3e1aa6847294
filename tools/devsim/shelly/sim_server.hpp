// Role: the Shelly simulator's server (Boost.Beast, C++20 coroutines, one thread): JSON-RPC over
// HTTP (POST /rpc, GET /rpc/<Method>?k=v) behind Shelly's digest auth (user admin, SHA-256,
// realm = device id; Shelly.GetDeviceInfo stays open), the WebSocket channel ws://host/rpc
// (requests authenticated with the "auth" object after a 401 challenge; NotifyStatus and
// NotifyEvent pushed to every connection that sent a request with a "src"), and unauthenticated
// control endpoints for tests:
//   /sim/press?event=single_push|double_push|triple_push|long_push   a press of input:0
//   /sim/fault?set=none|drop|timeout|500|garbage|slow                 faults of HTTP /rpc
//   /sim/ws_drop                                                      closes every WebSocket
//   /sim/status                                                       counters as JSON
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "sim_device.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <string>

namespace hearth::devsim {

enum class fault { none, drop, timeout, http_500, garbage, slow };

/// Parses a fault name; throws std::invalid_argument for an unknown one.
fault parse_fault(const std::string& name);

struct sim_options {
    std::uint16_t port = 0;
    std::string password;  ///< empty: no authentication; never printed
    device_options device;
    std::chrono::milliseconds cover_tick{100};  ///< between cover movement steps
    std::chrono::milliseconds slow{1500};       ///< response delay under fault slow
    fault initial_fault = fault::none;
    bool websocket = true;  ///< false: refuse the upgrade (polling only)
    bool verbose = false;
};

class sim_server {
public:
    /// Binds 127.0.0.1:opts.port (throws on failure); serving starts with start().
    sim_server(boost::asio::io_context& io, sim_options opts);
    void start();
    void stop();

private:
    using request = boost::beast::http::request<boost::beast::http::string_body>;
    using response = boost::beast::http::response<boost::beast::http::string_body>;
    struct ws_client {
        explicit ws_client(boost::asio::io_context& io) : wake(io) {}
        std::deque<std::string> queue;
        boost::asio::steady_timer wake;
        std::string src;  ///< set by the first authenticated request with a "src"
        bool drop = false;
    };

    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
    boost::asio::awaitable<void> ws_session(boost::beast::tcp_stream stream, request req);
    boost::asio::awaitable<void> cover_loop();
    response handle_http(const request& req);
    response handle_control(const request& req, const std::string& path, const std::string& query);
    /// One JSON-RPC request frame from any channel -> the answer frame; `authorized` says whether
    /// the channel's credentials were valid.
    json rpc(const json& frame, bool authorized, const std::string& dst);
    bool http_authorized(const request& req);
    bool ws_authorized(const json& frame);
    json challenge_error() const;
    response make(const request& req, boost::beast::http::status st, std::string body, const std::string& type);
    void flush();  ///< pushes queued notifications to WebSocket clients, wakes the cover loop
    void log(const std::string& line) const;

    boost::asio::io_context& io_;
    sim_options opts_;
    sim_device dev_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer cover_wake_;
    std::list<std::shared_ptr<ws_client>> clients_;
    std::string nonce_;
    long long ws_nonce_;
    fault fault_;
    bool stopped_ = false;
    std::uint64_t requests_ = 0;
    std::uint64_t unauthorized_ = 0;
    std::uint64_t notifications_ = 0;
    std::uint64_t ws_sessions_ = 0;
};

}  // namespace hearth::devsim
