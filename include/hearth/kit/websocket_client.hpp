// A WebSocket client (RFC 6455 over plain TCP, Boost.Beast) on the driver's io thread, for device
// notification channels such as Shelly Gen2's ws://host/rpc: connect + upgrade with a timeout,
// send text messages, get every received message through on_message and the end of the
// connection through on_closed. Messages over max_message close the connection
// (status::invalid); the connection is pinged while idle and closed when the peer stops
// answering (Beast's client idle timeout).
//
// Callbacks run on the io thread, in order, and never after the object is destroyed or close()
// was called; destroying it with operations in flight is safe.
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

struct websocket_options {
    std::string host{};  ///< IP address or host name
    std::uint16_t port = 80;
    std::string target = "/";                           ///< e.g. "/rpc"
    std::chrono::milliseconds connect_timeout{5000};    ///< resolve + connect + upgrade
    std::chrono::milliseconds idle_timeout{30'000};     ///< silence before a ping; twice: closed
    std::size_t max_message = std::size_t{256} * 1024;  ///< longest accepted message
};

class websocket_client {
public:
    using connect_fn = std::function<void(std::optional<net_error> error)>;  ///< nullopt: open
    using message_fn = std::function<void(const std::string& message)>;
    using closed_fn = std::function<void(const net_error& why)>;

    websocket_client(boost::asio::io_context& io, websocket_options options);
    websocket_client(const websocket_client&) = delete;
    websocket_client& operator=(const websocket_client&) = delete;
    ~websocket_client();

    /// Called for each received message (text or binary, as bytes).
    void on_message(message_fn fn);
    /// Called once when an open connection ends: the peer closed it or a read failed (offline),
    /// the peer went silent (timeout) or a message was too long (invalid). Not after close().
    void on_closed(closed_fn fn);

    /// Connects and upgrades (closing any previous connection silently); `done` gets nullopt or
    /// an error (offline: refused or the upgrade was refused; timeout). Reading starts once open.
    void connect(connect_fn done);
    /// Queues a text message; false (nothing sent) when not open.
    bool send(std::string message);
    /// Closes the connection silently (no on_closed). Idempotent.
    void close();
    [[nodiscard]] bool connected() const noexcept;
    /// "ws://host:port/target", as used in messages.
    [[nodiscard]] std::string url() const;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace hearth::kit
