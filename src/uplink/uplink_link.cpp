// The uplink's Paho connection with URL failover, fed from the store's outbox (see uplink_link.hpp).
#include "uplink/uplink_link.hpp"

#include "mqtt/connect_options.hpp"
#include "log/log.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

#include <mqtt/async_client.h>

namespace hearth::uplink {

namespace asio = boost::asio;

/// Receives Paho action results on Paho's thread and posts them onto the loop, tagged with the
/// client generation they belong to.
struct uplink_link::listener final : ::mqtt::iaction_listener {
    enum class kind { connect, publish };
    listener(uplink_link& owner, kind k, std::uint64_t generation)
        : owner_(owner), kind_(k), generation_(generation), alive_(owner.alive_) {}

    void on_failure(const ::mqtt::token& tok) override { deliver(tok, false); }
    void on_success(const ::mqtt::token& tok) override { deliver(tok, true); }

private:
    void deliver(const ::mqtt::token& tok, bool ok) {
        const auto row = static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(tok.get_user_context()));
        const int rc = ok ? 0 : tok.get_return_code();
        asio::post(owner_.loop_, [owner = &owner_, alive = alive_, k = kind_, gen = generation_, row, ok, rc] {
            if (alive.expired()) return;
            if (k == kind::publish) {
                owner->handle_published(gen, row, ok);
            } else if (ok) {
                owner->handle_connected(gen);
            } else {
                owner->handle_connect_failed(gen, "connect failed (code " + std::to_string(rc) + ")");
            }
        });
    }

    uplink_link& owner_;
    kind kind_;
    std::uint64_t generation_;
    std::weak_ptr<bool> alive_;
};

uplink_link::uplink_link(asio::io_context& loop, link_settings settings, store& db)
    : loop_(loop), settings_(std::move(settings)), db_(db), retry_timer_(loop), backoff_(settings_.backoff_min) {}

uplink_link::~uplink_link() {
    alive_.reset();
    retry_timer_.cancel();
    if (client_ && connected_) {
        try {
            client_->disconnect(0)->wait_for(std::chrono::milliseconds(300));
        } catch (const std::exception&) {}
    }
    client_.reset();  // before the listeners it may still call
}

void uplink_link::start() {
    if (started_ || settings_.urls.empty()) return;
    started_ = true;
    connect();
}

void uplink_link::make_client() {
    const std::string& url = settings_.urls[url_index_];
    mqtt::connect_settings c = settings_.connect;
    c.url = url;
    c.keepalive = std::chrono::seconds(30);
    c.connect_timeout = std::chrono::seconds(5);
    c.mqtt_version = 4;
    mqtt::connect_plan plan = mqtt::make_connect_plan(c);  // the config refused URLs it cannot use
    client_.reset();                                       // no callback of the old client can come after this
    ++generation_;
    options_ = std::make_unique<::mqtt::connect_options>(std::move(plan.options));
    connect_listener_ = std::make_unique<listener>(*this, listener::kind::connect, generation_);
    publish_listener_ = std::make_unique<listener>(*this, listener::kind::publish, generation_);
    client_ = std::make_unique<::mqtt::async_client>(plan.server_uri, settings_.client_id,
                                                     ::mqtt::create_options(MQTTVERSION_3_1_1), nullptr);
    client_url_ = url_index_;
    std::weak_ptr<bool> alive = alive_;
    const std::uint64_t gen = generation_;
    client_->set_connection_lost_handler([this, alive, gen](const std::string& cause) {
        asio::post(loop_, [this, alive, gen, cause] {
            if (!alive.expired()) handle_lost(gen, cause.empty() ? "connection lost" : cause);
        });
    });
    client_->set_message_callback(
        [this, alive, max = settings_.max_inbound_bytes](const ::mqtt::const_message_ptr& msg) {
            const std::size_t size = msg->get_payload_ref().size();
            std::string topic = msg->get_topic();
            std::string payload = size <= max ? msg->to_string() : std::string();
            asio::post(loop_, [this, alive, topic = std::move(topic), payload = std::move(payload)] {
                if (!alive.expired() && message_handler_) message_handler_(topic, payload);
            });
        });
}

void uplink_link::connect() {
    if (stopping_ || connecting_ || connected_) return;
    try {
        if (!client_ || client_url_ != url_index_) make_client();
        connecting_ = true;
        client_->connect(*options_, nullptr, *connect_listener_);
    } catch (const std::exception& e) {
        connecting_ = false;
        handle_connect_failed(generation_, e.what());
    }
}

void uplink_link::handle_connect_failed(std::uint64_t generation, const std::string& why) {
    if (generation != generation_ || stopping_) return;
    connecting_ = false;
    last_error_ = redact_url(settings_.urls[url_index_]) + ": " + why;
    log::mqtt().warn("uplink: cannot connect to {}", last_error_);
    // Next URL at once (after the minimum delay); after a whole round failed, back off.
    url_index_ = (url_index_ + 1) % settings_.urls.size();
    if (++failed_in_cycle_ >= settings_.urls.size()) {
        failed_in_cycle_ = 0;
        schedule_connect(backoff_);
        backoff_ = std::min(backoff_ * 2, settings_.backoff_max);
    } else {
        schedule_connect(settings_.backoff_min);
    }
}

void uplink_link::schedule_connect(std::chrono::milliseconds delay) {
    if (stopping_) return;
    retry_timer_.expires_after(delay);
    retry_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) connect();
    });
}

void uplink_link::handle_connected(std::uint64_t generation) {
    if (generation != generation_ || stopping_) return;
    connecting_ = false;
    connected_ = true;
    failed_in_cycle_ = 0;
    backoff_ = settings_.backoff_min;
    log::mqtt().info("uplink: connected to {}", redact_url(settings_.urls[url_index_]));
    try {
        client_->subscribe(settings_.topic_prefix + "/down/request/+", 1);
    } catch (const std::exception& e) {
        last_error_ = std::string("subscribe failed: ") + e.what();
        log::mqtt().error("uplink: {}", last_error_);
    }
    pump();
}

void uplink_link::handle_lost(std::uint64_t generation, const std::string& cause) {
    if (generation != generation_ || !connected_) return;
    connected_ = false;
    ++reconnects_;
    in_flight_.clear();  // clean session: unacknowledged rows are still in the outbox; sent again
    last_error_ = cause;
    if (stopping_) return;
    log::mqtt().warn("uplink: {}; reconnecting (first URL first)", cause);
    // A new client (and generation) for the next connect: late results of this session's
    // publishes must not touch the rows sent again in the next one.
    client_url_ = static_cast<std::size_t>(-1);
    url_index_ = 0;
    failed_in_cycle_ = 0;
    schedule_connect(settings_.backoff_min);
}

void uplink_link::handle_published(std::uint64_t generation, std::int64_t row, bool ok) {
    if (generation != generation_ || in_flight_.erase(row) == 0) return;
    if (ok) {
        try {
            db_.outbox_remove(row);
        } catch (const std::exception& e) {
            last_error_ = std::string("outbox: ") + e.what();
            log::store().error("uplink: cannot delete a delivered outbox row: {}", e.what());
        }
        ++sent_;
        pump();
    }  // a failed publish stays in the outbox; it is sent again after the next connect
}

void uplink_link::pump() {
    if (!connected_ || stopping_ || in_flight_.size() >= settings_.max_inflight) return;
    std::vector<outbox_row> rows;
    try {
        rows = db_.outbox_next(settings_.max_inflight - in_flight_.size(), in_flight_);
    } catch (const std::exception& e) {
        last_error_ = std::string("outbox: ") + e.what();
        log::store().error("uplink: cannot read the outbox: {}", e.what());
        return;
    }
    for (auto& row : rows) {
        const std::string topic = settings_.topic_prefix + "/up/" + row.kind;
        try {
            // Paho's user context is a void*: it carries the row id to the listener.
            void* context =
                reinterpret_cast<void*>(static_cast<std::intptr_t>(row.id));  // NOLINT(performance-no-int-to-ptr)
            client_->publish(topic, row.payload.data(), row.payload.size(), 1, false, context, *publish_listener_);
            in_flight_.insert(row.id);
        } catch (const std::exception& e) {
            log::mqtt().debug("uplink: publish deferred: {}", e.what());
            break;
        }
    }
}

void uplink_link::stop(std::chrono::milliseconds budget) {
    if (stopping_) return;
    stopping_ = true;
    retry_timer_.cancel();
    if (!client_ || !connected_) return;
    try {
        client_->disconnect(static_cast<int>(budget.count()))->wait_for(budget);
    } catch (const std::exception& e) {
        log::mqtt().warn("uplink: clean disconnect failed: {}", e.what());
    }
    connected_ = false;
}

link_stats uplink_link::stats() const {
    link_stats s;
    s.connected = connected_;
    s.url = settings_.urls.empty() ? std::string() : redact_url(settings_.urls[url_index_]);
    s.in_flight = in_flight_.size();
    s.sent = sent_;
    s.reconnects = reconnects_;
    s.last_error = last_error_;
    return s;
}

}  // namespace hearth::uplink
