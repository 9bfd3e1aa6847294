// A TCP client for line-based device protocols (e.g. Yeelight's JSON lines), on the driver's io
// thread: connect with a timeout, send lines, get every received line through on_line and the
// end of the connection through on_closed. Lines end with "\n" (a "\r" before it is dropped);
// a line longer than max_line closes the connection with status::invalid.
//
// Callbacks run on the io thread, in order, and never after the object is destroyed or
// close() was called; destroying it with operations in flight is safe.
#pragma once

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include <hearth/kit/net_result.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace hearth::kit {

struct line_options {
    std::string host{};  ///< IP address or host name
    std::uint16_t port = 0;
    std::chrono::milliseconds connect_timeout{5000};
    std::size_t max_line = std::size_t{64} * 1024;  ///< longest accepted line, without its line ending
    std::string line_ending = "\r\n";               ///< appended by send_line
};

class line_connection {
public:
    using connect_fn = std::function<void(std::optional<net_error> error)>;  ///< nullopt: connected
    using line_fn = std::function<void(const std::string& line)>;
    using closed_fn = std::function<void(const net_error& why)>;

    line_connection(boost::asio::io_context& io, line_options options);
    line_connection(const line_connection&) = delete;
    line_connection& operator=(const line_connection&) = delete;
    ~line_connection();

    /// Called for each received line (without its line ending).
    void on_line(line_fn fn);
    /// Called once when an open connection ends: the peer closed it (offline), a read failed
    /// (offline) or a line was too long (invalid). Not called after close().
    void on_closed(closed_fn fn);

    /// Connects (closing any previous connection silently); `done` gets nullopt or an error
    /// (offline: refused/unreachable, timeout). Reading starts once connected.
    void connect(connect_fn done);
    /// Queues `line` + line_ending for sending; false (nothing sent) when not connected.
    bool send_line(std::string line);
    /// Closes the connection silently (no on_closed). Idempotent.
    void close();
    [[nodiscard]] bool connected() const noexcept;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace hearth::kit
