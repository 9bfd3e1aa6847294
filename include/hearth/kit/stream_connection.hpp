// A TCP client for binary device protocols (e.g. Tuya's 55AA/6699 frames), on the driver's io
// thread: connect with a timeout, send byte buffers, get every received chunk through on_data
// (as it arrives: framing is the protocol's job) and the end of the connection through
// on_closed. The sibling of line_connection for protocols without line endings.
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
#include <vector>

namespace hearth::kit {

struct stream_options {
    std::string host{};  ///< IP address or host name
    std::uint16_t port = 0;
    std::chrono::milliseconds connect_timeout{5000};
};

class stream_connection {
public:
    using connect_fn = std::function<void(std::optional<net_error> error)>;  ///< nullopt: connected
    using data_fn = std::function<void(const std::vector<std::uint8_t>& chunk)>;
    using closed_fn = std::function<void(const net_error& why)>;

    stream_connection(boost::asio::io_context& io, stream_options options);
    stream_connection(const stream_connection&) = delete;
    stream_connection& operator=(const stream_connection&) = delete;
    ~stream_connection();

    /// Called for each received chunk of bytes, in order.
    void on_data(data_fn fn);
    /// Called once when an open connection ends: the peer closed it or a read or write failed
    /// (offline). Not called after close().
    void on_closed(closed_fn fn);

    /// Connects (closing any previous connection silently); `done` gets nullopt or an error
    /// (offline: refused/unreachable, timeout). Reading starts once connected.
    void connect(connect_fn done);
    /// Queues `data` for sending (written whole, in order); false (nothing sent) when not connected.
    bool send(std::vector<std::uint8_t> data);
    /// Closes the connection silently (no on_closed). Idempotent.
    void close();
    [[nodiscard]] bool connected() const noexcept;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace hearth::kit
