// Role: one persistent TCP connection to one Yeelight bulb, living entirely on the driver's
// io_context thread. Connects (with a timeout), confirms the link with get_prop, reads
// "\r\n"-framed lines, matches replies to pipelined requests by id (stale ids are ignored),
// turns "props" notifications into Hearth state, reconnects with exponential backoff and
// reports availability with hysteresis (online after a confirmed connection, offline only after
// `offline_after_failures` failures in a row; TCP keepalive catches bulbs that vanish without
// closing the connection). Every method except connected() and
// invalid_lines() must be called on the io_context's thread.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "protocol.hpp"
#include "yeelight_config.hpp"

#include <hearth/driver.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace hearth::yeelight {

/// How one request ended.
struct outcome {
    status code = status::ok;  ///< ok, device_error (bulb's error), offline or timeout
    std::string message;       ///< the bulb's error message or why it failed
    json result;               ///< the reply's result array when ok
};

/// What a connection tells its owner. Called on the io_context thread.
struct connection_events {
    std::function<void(bool online)> availability;  ///< only on changes, after hysteresis
    std::function<void(const json& state)> state;   ///< mapped Hearth light state (partial)
    std::function<void(log_level, const std::string&)> log;
};

class bulb_connection {
public:
    using done_fn = std::function<void(const outcome&)>;

    /// Does not connect yet; see start().
    bulb_connection(boost::asio::io_context& io, light_config light, const yeelight_config& cfg,
                    connection_events events);
    bulb_connection(const bulb_connection&) = delete;
    bulb_connection& operator=(const bulb_connection&) = delete;

    /// Spawns the connect/read/reconnect loop on the io_context (runs once the context runs).
    void start();

    /// Sends a request; `done` runs exactly once (on the io thread) with the reply, a timeout
    /// after `timeout_ms`, or offline when not connected or the connection drops first.
    void request(std::string method, json params, done_fn done);

    /// Sends get_prop and reports the mapped state through events.state.
    void poll_state();

    /// Whether a TCP connection is currently open (any thread).
    [[nodiscard]] bool connected() const noexcept { return connected_.load(); }
    /// Lines received that were neither a reply nor a props notification (any thread).
    [[nodiscard]] std::uint64_t invalid_lines() const noexcept { return invalid_lines_.load(); }
    [[nodiscard]] const light_config& light() const noexcept { return light_; }

private:
    struct in_flight {
        done_fn done;
        std::unique_ptr<boost::asio::steady_timer> deadline;
    };

    boost::asio::awaitable<void> run();
    boost::asio::awaitable<bool> connect_once(std::string& why);
    boost::asio::awaitable<std::string> read_until_closed();
    void probe();
    void write(std::string line);
    void write_next();
    void on_line(const std::string& line);
    void count_invalid(const std::string& why);
    void finish(std::uint64_t id, const outcome& o);
    void fail_all(const std::string& why);
    void note_failure(const std::string& why);
    void set_online(bool online);
    void log(log_level level, const std::string& text) const;

    boost::asio::io_context& io_;
    const light_config light_;
    const yeelight_config& cfg_;
    const connection_events events_;

    boost::asio::ip::tcp::socket socket_;
    line_framer framer_;
    std::deque<std::string> out_;  // lines waiting to be written, front is in progress
    bool writing_ = false;
    std::uint64_t session_ = 0;  // bumped per connection; late handlers compare it
    std::uint64_t next_id_ = 1;  // never reused, so stale replies never match
    std::map<std::uint64_t, in_flight> in_flight_;
    bool healthy_ = false;        // this session answered its get_prop probe
    int failures_ = 0;            // consecutive failures
    std::optional<bool> online_;  // unknown until first decided
    std::atomic<bool> connected_{false};
    std::atomic<std::uint64_t> invalid_lines_{0};
};

}  // namespace hearth::yeelight
