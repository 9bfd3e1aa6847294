// One MQTT connection over Paho (async_client), made safe for the core loop:
//   - every Paho callback is posted onto the loop; nothing blocks inside a Paho callback;
//   - our own reconnect with capped backoff (Paho's auto-reconnect does not cover a failed first
//     connect), re-subscribing on every connect (clean session);
//   - MQTT 5 with the CONNECT property Maximum Packet Size, so a conforming broker never sends a
//     packet larger than hearthd accepts (falls back to MQTT 3.1.1, logged, if the broker refuses 5);
//   - an outbox that coalesces retained topics (only the newest payload per topic is kept, so
//     after an outage the broker gets the latest state of everything) and bounds transient
//     messages; in-flight publishes are bounded, so Paho's buffer limit (-12) is never hit.
// Thread: construct, call and destroy on the loop thread; handlers run on the loop thread.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mqtt {
class async_client;
class connect_options;
}  // namespace mqtt

namespace hearth::mqtt {

struct link_settings {
    std::string url;  ///< mqtt://host:port or mqtts://host:port
    std::string client_id;
    std::string username;
    std::string password;  ///< secret
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    bool verify_hostname = true;
    int keepalive_s = 30;
    std::string will_topic;
    std::string will_payload;
    std::vector<std::string> subscriptions;
    std::size_t max_inflight = 64;
    std::size_t max_transient_queued = 10000;  ///< events/responses kept while offline
    std::chrono::milliseconds backoff_min{500};
    std::chrono::milliseconds backoff_max{5000};
    /// Payloads larger than this are not copied off Paho's thread: the message is delivered
    /// with an empty payload and its size, so the bridge can refuse and count it.
    std::size_t max_inbound_bytes = std::size_t{1} << 20;
    /// Speak MQTT 5 (falling back to 3.1.1 when the broker refuses protocol 5) and announce
    /// maximum_packet_size() in CONNECT; false: MQTT 3.1.1 only.
    bool mqtt5 = true;
};

/// Headroom above the largest accepted payload in the announced Maximum Packet Size: the topic
/// (at most 65,535 bytes + 2 for its length), fixed header, packet id and properties.
inline constexpr std::size_t packet_headroom_bytes = 65536 + 1024;

/// The MQTT 5 Maximum Packet Size announced for these settings: max_inbound_bytes + headroom,
/// capped at the protocol maximum (268,435,460 bytes).
std::uint32_t maximum_packet_size(const link_settings& settings);

struct inbound_message {
    std::string topic;
    std::string payload;  ///< empty when the message exceeded max_inbound_bytes
    bool retained = false;
    std::size_t payload_size = 0;  ///< size as received (also when the payload was dropped)
};

struct link_stats {
    bool connected = false;
    std::size_t queued = 0;
    std::size_t inflight = 0;
    std::uint64_t published = 0;
    std::uint64_t dropped = 0;
    std::uint64_t reconnects = 0;
    std::uint64_t coalesced = 0;  ///< retained payloads replaced by a newer one before they were sent
    int protocol = 5;             ///< MQTT protocol level in use or being tried: 5, or 4 (3.1.1) after a fallback
    std::uint32_t maximum_packet_size = 0;  ///< announced in CONNECT (0 under MQTT 3.1.1: none)
};

class mqtt_link {
public:
    mqtt_link(boost::asio::io_context& loop, link_settings settings);
    ~mqtt_link();
    mqtt_link(const mqtt_link&) = delete;
    mqtt_link& operator=(const mqtt_link&) = delete;

    /// Called after every (re)connect, once subscriptions are requested.
    void on_connected(std::function<void()> handler) { connected_handler_ = std::move(handler); }
    void on_message(std::function<void(const inbound_message&)> handler) { message_handler_ = std::move(handler); }
    void on_connection_lost(std::function<void(const std::string&)> handler) { lost_handler_ = std::move(handler); }

    /// Starts connecting (and keeps reconnecting until stop()).
    void start();

    /// Queues a message. Retained messages to the same topic coalesce to the newest payload.
    void publish(const std::string& topic, std::string payload, int qos, bool retained);

    /// A retained QoS 1 message sent ahead of everything still queued when the link stops.
    struct last_word {
        std::string topic;
        std::string payload;
    };

    /// Sends `last_words` first (replacing anything queued for their topics), then what is
    /// queued, within `budget` in total, then disconnects cleanly. Last words go first because
    /// a stop right after a connect can find hundreds of discovery configs queued, and a budget
    /// that runs out must cost configs, never the offline availability consumers rely on.
    void stop(std::chrono::milliseconds budget, const std::vector<last_word>& last_words = {});

    [[nodiscard]] bool connected() const { return connected_; }
    [[nodiscard]] link_stats stats() const;

private:
    struct entry {
        std::string topic;
        bool retained = false;
        int qos = 1;
        std::string payload;  ///< transient only; retained payloads live in retained_
    };
    struct listener;

    void make_client();
    void connect();
    void handle_connect_failed(int rc);
    void schedule_reconnect();
    void handle_connected();
    void handle_lost(const std::string& cause);
    void pump();
    void on_publish_done(std::uint64_t generation, std::uint64_t seq, bool ok);
    void requeue_inflight();

    boost::asio::io_context& loop_;
    link_settings settings_;
    std::unique_ptr<::mqtt::connect_options> connect_options_;  // built once (connect_options.hpp)
    std::unique_ptr<::mqtt::async_client> client_;
    std::unique_ptr<listener> listener_;
    std::unique_ptr<listener> listener_publish_;
    std::shared_ptr<bool> alive_;  // guards posts that arrive after destruction
    boost::asio::steady_timer retry_timer_;
    std::chrono::milliseconds backoff_;
    int protocol_ = 5;  // MQTT protocol level: 5, or 4 (3.1.1)

    std::deque<entry> queue_;
    std::unordered_map<std::string, std::pair<std::string, int>> retained_;  // topic -> newest payload, qos
    std::size_t transient_queued_ = 0;
    std::map<std::uint64_t, entry> inflight_;
    std::uint64_t generation_ = 0;
    std::uint64_t next_seq_ = 1;

    bool started_ = false;
    bool stopping_ = false;
    bool connecting_ = false;
    bool connected_ = false;
    std::uint64_t published_ = 0;
    std::uint64_t dropped_ = 0;
    std::uint64_t coalesced_ = 0;
    std::uint64_t reconnects_ = 0;

    std::function<void()> connected_handler_;
    std::function<void(const inbound_message&)> message_handler_;
    std::function<void(const std::string&)> lost_handler_;
};

}  // namespace hearth::mqtt
