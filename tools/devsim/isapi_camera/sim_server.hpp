// Role: the ISAPI camera simulator's HTTP server (Boost.Beast, C++20 coroutines, one thread).
// It speaks the subset of ISAPI the isapi_camera driver uses, behind HTTP Digest auth (MD5,
// qop=auth), and offers unauthenticated /sim/* control endpoints so tests can trigger events
// and inject faults at run time:
//   GET  /ISAPI/Streaming/channels/<n>01/picture          JPEG test picture
//   GET  /ISAPI/Event/notification/alertStream            multipart/mixed, kept open
//   GET|PUT /ISAPI/System/Video/inputs/channels/<n>/privacyMask
//   GET  /sim/trigger?event=motion|motion_end|doorbell|videoloss
//   GET  /sim/fault?set=none|auth_failure|stream_drop|slow|garbage
//   GET  /sim/status                                      JSON counters (unauthorized = 401s sent)
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

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

/// Faults the simulator can inject.
enum class fault { none, auth_failure, stream_drop, slow, garbage };

/// Parses a fault name; throws std::invalid_argument for an unknown one.
fault parse_fault(const std::string& name);
const char* fault_name(fault f);

struct sim_options {
    std::uint16_t port = 0;
    std::string user = "admin";
    std::string password;                        ///< never printed
    std::chrono::milliseconds motion_every{0};   ///< 0: only on /sim/trigger
    std::chrono::milliseconds heartbeat{2000};   ///< videoloss/inactive part period
    std::chrono::milliseconds slow{8000};        ///< response delay under fault slow
    std::chrono::milliseconds drop_after{1500};  ///< stream lifetime under fault stream_drop
    fault initial_fault = fault::none;
    bool verbose = false;  ///< one stderr line per request
};

class sim_server {
public:
    /// Binds 127.0.0.1:opts.port (throws on failure); serving starts with start().
    sim_server(boost::asio::io_context& io, sim_options opts);

    /// Spawns the accept, heartbeat and (optional) motion loops.
    void start();
    /// Closes the listener and every open stream.
    void stop();

private:
    using request = boost::beast::http::request<boost::beast::http::string_body>;
    using response = boost::beast::http::response<boost::beast::http::string_body>;
    struct subscriber {
        explicit subscriber(boost::asio::io_context& io) : wake(io) {}
        std::deque<std::string> queue;
        boost::asio::steady_timer wake;
        std::chrono::steady_clock::time_point opened = std::chrono::steady_clock::now();
        bool drop = false;
    };

    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
    boost::asio::awaitable<void> serve_alert_stream(boost::beast::tcp_stream& stream);
    boost::asio::awaitable<void> periodic(std::chrono::milliseconds every, std::string event);
    response handle(const request& req);
    response handle_control(const request& req, const std::string& path, const std::string& query);
    bool authorized(const request& req);
    response make(const request& req, boost::beast::http::status st, std::string body, const std::string& type);
    response unauthorized(const request& req);
    void broadcast(const std::string& event_type, bool active);
    void drop_streams();
    std::string alert_xml(const std::string& event_type, bool active) const;
    std::string part(const std::string& xml);
    void log(const std::string& line) const;

    boost::asio::io_context& io_;
    sim_options opts_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::list<std::shared_ptr<subscriber>> subscribers_;
    std::string realm_ = "IP Camera(sim)";
    std::string nonce_;
    fault fault_;
    bool privacy_ = false;
    bool stopped_ = false;
    std::uint64_t frames_ = 0;
    std::uint64_t parts_ = 0;
    std::uint64_t streams_opened_ = 0;
    std::uint64_t unauthorized_ = 0;
    std::uint64_t requests_ = 0;
};

}  // namespace hearth::devsim
