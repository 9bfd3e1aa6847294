// Role: the z2m driver's one MQTT connection (Paho MQTT C++ async_client, MQTT 3.1.1, no
// persistence) to the broker Zigbee2MQTT uses. Paho's callbacks run on Paho's threads: each one
// only posts to the driver's io_context (the kit's one threading model), so every callback of
// this class runs on the driver's io thread. Reconnects with exponential backoff (its own timer:
// Paho's automatic reconnect does not cover a failed first connect) and restores the
// subscriptions on every connect. Inbound payloads above a cap are dropped before they are
// copied (counted and reported), and the number of messages waiting for the io thread is
// bounded. The password is never logged.
#pragma once

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace mqtt {
class async_client;
class connect_options;
class iaction_listener;
}  // namespace mqtt

namespace hearth::z2m {

struct link_options {
    std::string server_uri;  ///< Paho form: tcp://host:port
    std::string client_id;
    std::string username;
    std::string password;
    std::chrono::milliseconds reconnect_min{500};
    std::chrono::milliseconds reconnect_max{30'000};
    std::size_t max_payload = 8U << 20U;  ///< larger inbound payloads are dropped unread
    std::size_t max_queued = 10'000;      ///< inbound messages waiting for the io thread
};

/// "mqtt://host[:port]" -> "tcp://host:port" (port 1883 by default); nothing if it is not one.
std::optional<std::string> paho_uri_of(const std::string& url);

/// An MQTT client whose callbacks all run on one io_context's thread.
class link {
public:
    using message_fn = std::function<void(const std::string& topic, const std::string& payload)>;
    using dropped_fn = std::function<void(const std::string& topic, std::size_t size, const char* why)>;

    link(boost::asio::io_context& io, link_options options);
    ~link();
    link(const link&) = delete;
    link& operator=(const link&) = delete;

    void on_message(message_fn fn) { on_message_ = std::move(fn); }
    void on_up(std::function<void()> fn) { on_up_ = std::move(fn); }
    void on_down(std::function<void(const std::string& why)> fn) { on_down_ = std::move(fn); }
    void on_dropped(dropped_fn fn) { on_dropped_ = std::move(fn); }

    /// Starts connecting (asynchronously; on_up once connected).
    void open();
    /// Disconnects; no callback of this link runs after it returns.
    void close();

    /// Adds (and subscribes, when up) topic filters; kept across reconnects.
    void subscribe(const std::string& filter);
    /// Removes (and unsubscribes, when up) a topic filter.
    void unsubscribe(const std::string& filter);
    /// Publishes at QoS 1, not retained; false when not connected.
    bool publish(const std::string& topic, const std::string& payload);

    [[nodiscard]] bool up() const noexcept { return up_; }

private:
    void connect();
    void connected();
    void lost(const std::string& why);
    void retry();

    boost::asio::io_context& io_;
    link_options options_;
    std::unique_ptr<mqtt::connect_options> connect_options_;
    std::unique_ptr<mqtt::iaction_listener> listener_;  ///< declared before client_: outlives it
    std::unique_ptr<mqtt::async_client> client_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    std::shared_ptr<std::atomic<std::size_t>> queued_ = std::make_shared<std::atomic<std::size_t>>(0);
    boost::asio::steady_timer retry_timer_;
    std::chrono::milliseconds backoff_;
    std::set<std::string> filters_;
    bool up_ = false;
    bool connecting_ = false;
    bool closed_ = false;
    message_fn on_message_;
    std::function<void()> on_up_;
    std::function<void(const std::string&)> on_down_;
    dropped_fn on_dropped_;
};

}  // namespace hearth::z2m
