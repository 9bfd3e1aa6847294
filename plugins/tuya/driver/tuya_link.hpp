// Role: one TCP connection to a Tuya device on the driver's io thread (kit::stream_connection):
// connect with a timeout, the 3.4/3.5 session key negotiation, splitting the byte stream into
// frames and decoding them with the channel, heartbeats, and a reply deadline: a request that
// gets no valid frame back within `timeout` ends the connection (a silent device, a dropped
// reply, a wrong key). Until the device has proved the local key (the 3.4/3.5 negotiation, or in
// 3.3 the first payload that decrypts) empty frames do not count as replies. Frames that fail their CRC/HMAC/tag or do
// not decrypt are reported and dropped; a stream that cannot be framed ends the connection. The local key never appears
// in a message. Reconnecting is the driver's decision (on_down).
#pragma once

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include "tuya_channel.hpp"
#include "tuya_discovery.hpp"
#include "tuya_session.hpp"

#include <hearth/kit/net_result.hpp>
#include <hearth/kit/stream_connection.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace hearth::tuya {

struct link_options {
    std::string host;
    std::uint16_t port = k_device_port;
    protocol_version version = protocol_version::v33;
    kit::aes128_key local_key{};
    std::chrono::milliseconds timeout{5000};     ///< connect, negotiation and reply deadline
    std::chrono::milliseconds heartbeat{10000};  ///< heartbeat period while connected
    std::string heartbeat_payload = "{}";        ///< JSON sent with each HEART_BEAT
};

/// Counters for the driver's stop() summary and the tests.
struct link_stats {
    std::uint64_t connects = 0;
    std::uint64_t frames_in = 0;
    std::uint64_t frames_out = 0;
    std::uint64_t refused = 0;  ///< frames dropped for a bad CRC/HMAC/tag or payload
    std::uint64_t timeouts = 0;
};

class link {
public:
    using up_fn = std::function<void()>;
    using down_fn = std::function<void(const kit::net_error& why)>;
    using message_fn = std::function<void(const message& m)>;
    using refused_fn = std::function<void(const std::string& why)>;

    link(boost::asio::io_context& io, link_options options);
    link(const link&) = delete;
    link& operator=(const link&) = delete;
    ~link();

    /// The session is usable (connected and, in 3.4/3.5, negotiated).
    void on_up(up_fn fn) { on_up_ = std::move(fn); }
    /// The connection failed or ended (once per open()); not called after close().
    void on_down(down_fn fn) { on_down_ = std::move(fn); }
    /// Every authenticated frame after the negotiation (replies, STATUS pushes, heartbeats).
    void on_message(message_fn fn) { on_message_ = std::move(fn); }
    /// A frame was dropped (bad CRC/HMAC/tag, undecryptable payload); key-free reason.
    void on_refused(refused_fn fn) { on_refused_ = std::move(fn); }

    /// Connects and negotiates (closing any previous connection silently).
    void open();
    /// Closes silently (no on_down). Idempotent.
    void close();
    /// True once the session is usable.
    [[nodiscard]] bool ready() const noexcept { return state_ == state::ready; }
    /// Sends one request with the next sequence number and arms the reply deadline; false when
    /// not ready.
    bool send(std::uint32_t command, const std::string& payload);
    [[nodiscard]] const link_stats& stats() const noexcept { return stats_; }

private:
    enum class state { idle, connecting, negotiating, ready };

    void on_data(const std::vector<std::uint8_t>& chunk);
    void on_frame(std::span<const std::uint8_t> frame_bytes);
    void negotiated(const message& m);
    void write(std::uint32_t command, const bytes& payload);
    void arm_reply_deadline();
    void schedule_heartbeat();
    void fail(const kit::net_error& why);

    boost::asio::io_context& io_;
    link_options opt_;
    std::string where_;
    kit::stream_connection conn_;
    channel ch_;
    state state_ = state::idle;
    bytes pending_;
    nonce local_nonce_{};
    std::uint32_t seq_ = 0;
    std::uint64_t generation_ = 0;  ///< bumped by close(): stops a frame loop a callback ended
    bool awaiting_ = false;
    bool verified_ = false;  ///< the device proved the key (3.4/3.5 negotiation, or a 3.3 payload that decrypts)
    boost::asio::steady_timer reply_timer_;
    boost::asio::steady_timer heartbeat_timer_;
    link_stats stats_;
    up_fn on_up_;
    down_fn on_down_;
    message_fn on_message_;
    refused_fn on_refused_;
};

}  // namespace hearth::tuya
