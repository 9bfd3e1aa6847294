// Paho-backed MQTT connection with reconnect and a coalescing outbox (see mqtt_link.hpp).
#include "mqtt/mqtt_link.hpp"

#include "mqtt/connect_errors.hpp"
#include "mqtt/connect_options.hpp"
#include "mqtt/tcp_nodelay.hpp"
#include "log/log.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

#include <mqtt/async_client.h>

namespace hearth::mqtt {

namespace asio = boost::asio;

namespace {
connect_settings connect_settings_of(const link_settings& s, int protocol) {
    connect_settings c;
    c.url = s.url;
    c.username = s.username;
    c.password = s.password;
    c.ca_file = s.ca_file;
    c.cert_file = s.cert_file;
    c.key_file = s.key_file;
    c.verify_hostname = s.verify_hostname;
    c.keepalive = std::chrono::seconds(s.keepalive_s);
    c.connect_timeout = std::chrono::seconds(5);
    c.will_topic = s.will_topic;
    c.will_payload = s.will_payload;
    if (protocol == 5) {
        c.mqtt_version = 5;
        c.maximum_packet_size = maximum_packet_size(s);
    }
    return c;
}

/// CONNACK codes with which a broker refuses protocol level 5: 3.1.1's "unacceptable protocol
/// version" (an MQTT 3.1.1-only broker) and MQTT 5's "unsupported protocol version" (0x84).
bool refuses_mqtt5(int rc) { return rc == 1 || rc == 132; }
}  // namespace

std::uint32_t maximum_packet_size(const link_settings& settings) {
    constexpr std::size_t protocol_max = 268435460;  // MQTT 5, section 3.1.2.11.4
    return static_cast<std::uint32_t>(std::min(settings.max_inbound_bytes + packet_headroom_bytes, protocol_max));
}

/// Receives Paho action results on Paho's thread and posts them onto the loop.
struct mqtt_link::listener final : ::mqtt::iaction_listener {
    enum class kind { connect, publish };
    listener(mqtt_link& owner, kind k) : owner_(owner), kind_(k), alive_(owner.alive_) {}

    void on_failure(const ::mqtt::token& tok) override { deliver(tok, false, tok.get_return_code()); }
    void on_success(const ::mqtt::token& tok) override { deliver(tok, true, 0); }

private:
    void deliver(const ::mqtt::token& tok, bool ok, int rc) {
        const auto seq = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(tok.get_user_context()));
        asio::post(owner_.loop_, [this, alive = alive_, seq, ok, rc] {
            if (alive.expired()) return;
            if (kind_ == kind::publish) {
                owner_.on_publish_done(0, seq, ok);
                return;
            }
            owner_.connecting_ = false;
            if (ok) {
                owner_.handle_connected();
            } else {
                owner_.handle_connect_failed(rc);
            }
        });
    }

    mqtt_link& owner_;
    kind kind_;
    std::weak_ptr<bool> alive_;
};

mqtt_link::mqtt_link(asio::io_context& loop, link_settings settings)
    : loop_(loop),
      settings_(std::move(settings)),
      alive_(std::make_shared<bool>(true)),
      retry_timer_(loop),
      backoff_(settings_.backoff_min),
      protocol_(settings_.mqtt5 ? 5 : 4) {
    make_client();
}

void mqtt_link::make_client() {
    // The create option fixes the protocol family of the client (persistence format), so a
    // fallback to 3.1.1 makes a new client.
    connect_plan plan = make_connect_plan(connect_settings_of(settings_, protocol_));  // the config refused bad URLs
    connect_options_ = std::make_unique<::mqtt::connect_options>(std::move(plan.options));
    // Paho C++ 1.2 loses the C struct's pointer to the CONNECT properties when connect_options is
    // moved (seen: the broker got no Maximum Packet Size); setting them on the final object fixes it.
    if (protocol_ == 5) connect_options_->set_properties(::mqtt::properties(connect_options_->get_properties()));
    client_ = std::make_unique<::mqtt::async_client>(
        plan.server_uri, settings_.client_id,
        ::mqtt::create_options(protocol_ == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1), nullptr);
    std::weak_ptr<bool> alive = alive_;
    client_->set_connection_lost_handler([this, alive](const std::string& cause) {
        asio::post(loop_, [this, alive, cause] {
            if (!alive.expired()) handle_lost(cause.empty() ? "connection lost" : cause);
        });
    });
    // MQTT 5: a broker may end the connection with a DISCONNECT packet and a reason code.
    client_->set_disconnected_handler([this, alive](const ::mqtt::properties&, ::mqtt::ReasonCode reason) {
        asio::post(loop_, [this, alive, reason] {
            if (!alive.expired())
                handle_lost("the broker disconnected (reason code " + std::to_string(static_cast<int>(reason)) + ")");
        });
    });
    client_->set_message_callback(
        [this, alive, max_inbound = settings_.max_inbound_bytes](const ::mqtt::const_message_ptr& msg) {
            const std::size_t size = msg->get_payload_ref().size();
            inbound_message in{msg->get_topic(), size <= max_inbound ? msg->to_string() : std::string(),
                               msg->is_retained(), size};
            asio::post(loop_, [this, alive, in = std::move(in)] {
                if (!alive.expired() && message_handler_) message_handler_(in);
            });
        });
}

mqtt_link::~mqtt_link() {
    alive_.reset();
    retry_timer_.cancel();
    if (client_ && connected_) {
        try {
            client_->disconnect(0)->wait_for(std::chrono::milliseconds(300));
        } catch (const std::exception&) {}
    }
    client_.reset();  // before the listeners it may still call
}

void mqtt_link::start() {
    if (started_) return;
    started_ = true;
    connect();
}

void mqtt_link::connect() {
    if (stopping_ || connecting_ || connected_) return;
    if (!listener_) listener_ = std::make_unique<listener>(*this, listener::kind::connect);
    connecting_ = true;
    try {
        client_->connect(*connect_options_, nullptr, *listener_);
    } catch (const std::exception& e) {
        connecting_ = false;
        log::mqtt().warn("mqtt: connect to {} failed: {}", redact_url(settings_.url), e.what());
        schedule_reconnect();
    }
}

void mqtt_link::handle_connect_failed(int rc) {
    if (stopping_) return;
    if (protocol_ == 5 && refuses_mqtt5(rc)) {
        log::mqtt().warn(
            "mqtt: the broker at {} does not accept MQTT 5 (code {}); falling back to MQTT 3.1.1, "
            "where hearthd cannot announce a maximum packet size: limit message sizes on the broker "
            "(mosquitto: message_size_limit)",
            redact_url(settings_.url), rc);
        protocol_ = 4;
        try {
            make_client();
        } catch (const std::exception& e) {
            log::mqtt().error("mqtt: cannot create an MQTT 3.1.1 client: {}", e.what());
        }
        backoff_ = settings_.backoff_min;
        connect();
        return;
    }
    log::mqtt().warn("mqtt: cannot connect to {}: {}; retrying in {} ms", redact_url(settings_.url),
                     connect_failure_text(rc), backoff_.count());
    schedule_reconnect();
}

void mqtt_link::schedule_reconnect() {
    if (stopping_) return;
    retry_timer_.expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, settings_.backoff_max);
    retry_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) connect();
    });
}

void mqtt_link::handle_connected() {
    if (stopping_) return;
    connected_ = true;
    backoff_ = settings_.backoff_min;
    if (protocol_ == 5) {
        log::mqtt().info("mqtt: connected to {} (MQTT 5, maximum packet size {} bytes)", redact_url(settings_.url),
                         maximum_packet_size(settings_));
    } else {
        log::mqtt().info("mqtt: connected to {} (MQTT 3.1.1)", redact_url(settings_.url));
    }
    if (const auto endpoint = parse_broker_url(settings_.url))  // see tcp_nodelay.hpp: ~40 ms per hop otherwise
        log::mqtt().debug("mqtt: TCP_NODELAY set on {} broker socket(s)", set_tcp_nodelay_to(*endpoint));
    try {
        auto topics = ::mqtt::string_collection::create(settings_.subscriptions);
        client_->subscribe(topics, std::vector<int>(settings_.subscriptions.size(), 1));
    } catch (const std::exception& e) {
        log::mqtt().error("mqtt: subscribe failed: {}", e.what());
    }
    if (connected_handler_) connected_handler_();
    pump();
}

void mqtt_link::handle_lost(const std::string& cause) {
    if (!connected_) return;
    connected_ = false;
    ++reconnects_;
    requeue_inflight();
    if (!stopping_) log::mqtt().warn("mqtt: {}; reconnecting", cause);
    if (lost_handler_) lost_handler_(cause);
    schedule_reconnect();
}

void mqtt_link::publish(const std::string& topic, std::string payload, int qos, bool retained) {
    if (retained) {
        auto it = retained_.find(topic);
        if (it != retained_.end()) {
            it->second = {std::move(payload), qos};  // coalesce: the queued entry sends the newest
            ++coalesced_;
        } else {
            retained_.emplace(topic, std::make_pair(std::move(payload), qos));
            queue_.push_back(entry{topic, true, qos, {}});
        }
    } else {
        if (transient_queued_ >= settings_.max_transient_queued) {
            // Drop the oldest transient message; retained state is never dropped.
            for (auto it = queue_.begin(); it != queue_.end(); ++it) {
                if (!it->retained) {
                    queue_.erase(it);
                    --transient_queued_;
                    ++dropped_;
                    break;
                }
            }
        }
        queue_.push_back(entry{topic, false, qos, std::move(payload)});
        ++transient_queued_;
    }
    pump();
}

void mqtt_link::pump() {
    if (!connected_) return;
    if (!listener_publish_) listener_publish_ = std::make_unique<listener>(*this, listener::kind::publish);
    while (connected_ && inflight_.size() < settings_.max_inflight && !queue_.empty()) {
        entry e = std::move(queue_.front());
        queue_.pop_front();
        if (e.retained) {
            auto node = retained_.extract(e.topic);
            e.payload = std::move(node.mapped().first);
            e.qos = node.mapped().second;
        } else {
            --transient_queued_;
        }
        const std::uint64_t seq = next_seq_++;
        try {
            // The sequence number travels as Paho's opaque context value, never dereferenced.
            client_->publish(
                e.topic, e.payload.data(), e.payload.size(), e.qos, e.retained,
                reinterpret_cast<void*>(static_cast<std::uintptr_t>(seq)),  // NOLINT(performance-no-int-to-ptr)
                *listener_publish_);
            inflight_.emplace(seq, std::move(e));
        } catch (const std::exception& ex) {
            log::mqtt().debug("mqtt: publish to {} deferred: {}", e.topic, ex.what());
            // Put it back and wait for the next connect or completion.
            if (e.retained) {
                if (!retained_.contains(e.topic)) {
                    retained_.emplace(e.topic, std::make_pair(std::move(e.payload), e.qos));
                    queue_.push_front(entry{e.topic, true, e.qos, {}});
                }
            } else {
                queue_.push_front(std::move(e));
                ++transient_queued_;
            }
            break;
        }
    }
}

void mqtt_link::on_publish_done(std::uint64_t /*generation*/, std::uint64_t seq, bool ok) {
    auto it = inflight_.find(seq);
    if (it == inflight_.end()) return;  // already requeued after a connection loss
    entry e = std::move(it->second);
    inflight_.erase(it);
    if (ok) {
        ++published_;
    } else if (e.retained) {
        if (!retained_.contains(e.topic)) publish(e.topic, std::move(e.payload), e.qos, true);
    } else {
        queue_.push_front(std::move(e));
        ++transient_queued_;
    }
    pump();
}

void mqtt_link::requeue_inflight() {
    auto inflight = std::move(inflight_);
    inflight_.clear();
    for (auto it = inflight.rbegin(); it != inflight.rend(); ++it) {
        entry& e = it->second;
        if (e.retained) {
            if (retained_.contains(e.topic)) continue;  // a newer payload is already queued
            retained_.emplace(e.topic, std::make_pair(std::move(e.payload), e.qos));
            queue_.push_front(entry{e.topic, true, e.qos, {}});
        } else {
            queue_.push_front(std::move(e));
            ++transient_queued_;
        }
    }
}

void mqtt_link::stop(std::chrono::milliseconds budget, const std::vector<last_word>& last_words) {
    if (stopping_) return;
    stopping_ = true;
    retry_timer_.cancel();
    if (!connected_) return;
    const auto deadline = std::chrono::steady_clock::now() + budget;
    std::vector<::mqtt::delivery_token_ptr> tokens;
    try {
        for (const auto& w : last_words) {
            if (retained_.erase(w.topic) > 0) {
                std::erase_if(queue_, [&](const entry& e) { return e.retained && e.topic == w.topic; });
            }
            tokens.push_back(client_->publish(w.topic, w.payload.data(), w.payload.size(), 1, true));
        }
        while (!queue_.empty()) {
            entry e = std::move(queue_.front());
            queue_.pop_front();
            if (e.retained) {
                auto node = retained_.extract(e.topic);
                e.payload = std::move(node.mapped().first);
                e.qos = node.mapped().second;
            }
            tokens.push_back(client_->publish(e.topic, e.payload.data(), e.payload.size(), e.qos, e.retained));
        }
        for (auto& t : tokens) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left <= std::chrono::milliseconds(0) || !t->wait_for(left)) break;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        client_->disconnect(static_cast<int>(std::max<long>(left.count(), 0)))
            ->wait_for(std::max(left, std::chrono::milliseconds(100)));
    } catch (const std::exception& e) {
        log::mqtt().warn("mqtt: clean disconnect failed: {}", e.what());
    }
    connected_ = false;
}

link_stats mqtt_link::stats() const {
    return link_stats{connected_, queue_.size(), inflight_.size(),
                      published_, dropped_,      reconnects_,
                      coalesced_, protocol_,     protocol_ == 5 ? maximum_packet_size(settings_) : 0};
}

}  // namespace hearth::mqtt
