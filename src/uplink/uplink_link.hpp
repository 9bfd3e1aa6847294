// The uplink's MQTT connection to the community broker (docs/community.md, "Store-and-forward"):
// MQTT 3.1.1, clean session, QoS 1; failover through the configured URLs in order with backoff
// (0.5 s doubling to 10 s after every URL failed once); at most max_inflight messages in flight,
// read from the store's outbox (alarms first) and deleted from it on PUBACK only; whatever was in
// flight when the connection broke is sent again after the next connect (at-least-once).
// Every Paho callback only copies data and posts to the loop; nothing here blocks the loop.
// Thread: construct, call and destroy on the loop thread; handlers run on the loop thread.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "mqtt/connect_options.hpp"
#include "store/store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <set>
#include <memory>
#include <string>
#include <vector>

namespace mqtt {
class async_client;
class connect_options;
}  // namespace mqtt

namespace hearth::uplink {

struct link_settings {
    std::vector<std::string> urls;  ///< failover order
    std::string client_id;
    /// Credentials and TLS files; its url is replaced by each of `urls` in turn (MQTT 3.1.1).
    mqtt::connect_settings connect;
    std::string topic_prefix;  ///< community/<site>/<home>
    std::size_t max_inflight = 64;
    std::chrono::milliseconds backoff_min{500};
    std::chrono::milliseconds backoff_max{10000};
    std::size_t max_inbound_bytes = std::size_t{256} * 1024;  ///< larger requests arrive with an empty payload
};

/// The link's figures for health.uplink.
struct link_stats {
    bool connected = false;
    std::string url;  ///< the URL in use or being tried (no userinfo)
    std::size_t in_flight = 0;
    std::uint64_t sent = 0;  ///< messages the broker acknowledged (PUBACK) and the outbox deleted
    std::uint64_t reconnects = 0;
    std::string last_error;
};

class uplink_link {
public:
    /// `db` holds the outbox and must outlive the link.
    uplink_link(boost::asio::io_context& loop, link_settings settings, store& db);
    ~uplink_link();
    uplink_link(const uplink_link&) = delete;
    uplink_link& operator=(const uplink_link&) = delete;

    /// A request arrived on <prefix>/down/request/+ (payload empty when larger than the limit).
    void on_message(std::function<void(const std::string& topic, const std::string& payload)> handler) {
        message_handler_ = std::move(handler);
    }

    /// Starts connecting (and keeps reconnecting until stop()).
    void start();
    /// New rows in the outbox: sends them when connected.
    void wake() { pump(); }
    /// Waits at most `budget` for what is in flight, then disconnects. What is not acknowledged
    /// stays in the outbox for the next start.
    void stop(std::chrono::milliseconds budget);

    [[nodiscard]] link_stats stats() const;

private:
    struct listener;

    void make_client();
    void connect();
    void handle_connected(std::uint64_t generation);
    void handle_connect_failed(std::uint64_t generation, const std::string& why);
    void handle_lost(std::uint64_t generation, const std::string& cause);
    void handle_published(std::uint64_t generation, std::int64_t row, bool ok);
    void schedule_connect(std::chrono::milliseconds delay);
    void pump();

    boost::asio::io_context& loop_;
    link_settings settings_;
    store& db_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    boost::asio::steady_timer retry_timer_;
    std::chrono::milliseconds backoff_;
    std::size_t url_index_ = 0;
    std::size_t failed_in_cycle_ = 0;
    std::uint64_t generation_ = 0;  ///< bumped per client: posts of an older client are ignored

    std::unique_ptr<::mqtt::connect_options> options_;
    std::unique_ptr<listener> connect_listener_;
    std::unique_ptr<listener> publish_listener_;
    std::unique_ptr<::mqtt::async_client> client_;
    std::size_t client_url_ = static_cast<std::size_t>(-1);

    std::set<std::int64_t> in_flight_;  ///< outbox row ids sent and not yet acknowledged
    bool started_ = false;
    bool stopping_ = false;
    bool connecting_ = false;
    bool connected_ = false;
    std::uint64_t sent_ = 0;
    std::uint64_t reconnects_ = 0;
    std::string last_error_;
    std::function<void(const std::string&, const std::string&)> message_handler_;
};

}  // namespace hearth::uplink
