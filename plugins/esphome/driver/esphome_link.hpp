// Role: one native API connection to an ESPHome node on the driver's io thread
// (kit::stream_connection + the esphome session): connect with a timeout, the Noise handshake
// when a key is configured, Hello, Connect (with the password; always on API < 1.12, where a
// device expects it), DeviceInfo, ListEntities up to ListEntitiesDone (on_listed), then
// SubscribeStates; after that every message goes to on_message. Pings keep the connection
// checked; a request that gets no message back within `timeout` ends the connection, as do an
// invalid password, a refused handshake (wrong key), a transport mismatch and a stream that
// cannot be framed or decrypted — each with a sentence that says which. The node's own Ping and
// Disconnect requests are answered. Reconnecting is the driver's decision (on_down).
#pragma once

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include "esphome_messages.hpp"
#include "esphome_session.hpp"

#include <hearth/kit/net_result.hpp>
#include <hearth/kit/stream_connection.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace hearth::esphome {

struct link_options {
    std::string host;
    std::uint16_t port = 6053;
    std::optional<kit::chacha_key> psk;  ///< Noise when set
    std::string password;                ///< legacy API password
    std::string client_info = "Hearth";
    std::chrono::milliseconds timeout{5000};  ///< connect, handshake and reply deadline
    std::chrono::milliseconds ping{20000};    ///< ping period while connected
};

struct link_stats {
    std::uint64_t connects = 0;
    std::uint64_t messages_in = 0;
    std::uint64_t messages_out = 0;
    std::uint64_t timeouts = 0;
};

class link {
public:
    using listed_fn = std::function<void(const pb::DeviceInfoResponse& info, const std::vector<api_message>& entities)>;
    using message_fn = std::function<void(const api_message& m)>;
    using down_fn = std::function<void(const kit::net_error& why)>;

    link(boost::asio::io_context& io, link_options options);
    link(const link&) = delete;
    link& operator=(const link&) = delete;
    ~link();

    /// The node described itself and listed its entities (once per connection); states follow.
    void on_listed(listed_fn fn) { on_listed_ = std::move(fn); }
    /// Every message after the listing (states; pings and disconnects are handled here).
    void on_message(message_fn fn) { on_message_ = std::move(fn); }
    /// The connection failed or ended (once per open()); not called after close().
    void on_down(down_fn fn) { on_down_ = std::move(fn); }

    /// Connects (closing any previous connection silently).
    void open();
    /// Closes silently (sends DisconnectRequest when up). Idempotent.
    void close();
    /// States are subscribed: commands may be sent.
    [[nodiscard]] bool ready() const noexcept { return state_ == state::subscribed; }
    /// Sends one message; false when not ready.
    bool send(std::uint32_t type, const bytes& payload);
    [[nodiscard]] const link_stats& stats() const noexcept { return stats_; }

private:
    enum class state { idle, connecting, handshake, hello, connect, info, listing, subscribed };
    void on_data(const std::vector<std::uint8_t>& chunk);
    void on_api(const api_message& m);
    void write(std::uint32_t type, const bytes& payload);
    void request(std::uint32_t type, const bytes& payload, state next);
    void arm_reply_deadline();
    void schedule_ping();
    void fail(const kit::net_error& why);

    link_options opt_;
    std::string where_;
    kit::stream_connection conn_;
    std::unique_ptr<session> session_;
    state state_ = state::idle;
    std::uint64_t generation_ = 0;
    bool awaiting_ = false;
    pb::DeviceInfoResponse info_;
    std::vector<api_message> entities_;
    boost::asio::steady_timer reply_timer_;
    boost::asio::steady_timer ping_timer_;
    link_stats stats_;
    listed_fn on_listed_;
    message_fn on_message_;
    down_fn on_down_;
};

}  // namespace hearth::esphome
