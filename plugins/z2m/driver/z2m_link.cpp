// Role: the z2m driver's MQTT connection on Paho (see z2m_link.hpp).
#include "z2m_link.hpp"

#include <boost/asio/post.hpp>

#include <mqtt/async_client.h>

#include <algorithm>

namespace hearth::z2m {

namespace asio = boost::asio;

std::optional<std::string> paho_uri_of(const std::string& url) {
    constexpr std::string_view scheme = "mqtt://";
    if (url.rfind(scheme, 0) != 0 || url.size() > 512) return std::nullopt;
    std::string rest = url.substr(scheme.size());
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.empty() || rest.find_first_of("/@?# ") != std::string::npos) return std::nullopt;
    std::string host = rest;
    std::string port = "1883";
    if (rest.front() == '[') {  // [v6]:port
        const auto close = rest.find(']');
        if (close == std::string::npos) return std::nullopt;
        host = rest.substr(0, close + 1);
        if (close + 1 < rest.size()) {
            if (rest[close + 1] != ':') return std::nullopt;
            port = rest.substr(close + 2);
        }
    } else if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    }
    if (host.empty() || port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    const int p = std::stoi(port);
    if (p < 1 || p > 65535) return std::nullopt;
    return "tcp://" + host + ":" + std::to_string(p);
}

namespace {

/// Forwards a connect's outcome to the io thread.
class connect_listener final : public mqtt::iaction_listener {
public:
    connect_listener(asio::io_context& io, std::weak_ptr<bool> alive, std::function<void()> ok,
                     std::function<void(const std::string&)> failed)
        : io_(io), alive_(std::move(alive)), ok_(std::move(ok)), failed_(std::move(failed)) {}

    void on_success(const mqtt::token& /*tok*/) override {
        asio::post(io_, [alive = alive_, ok = ok_] {
            if (!alive.expired()) ok();
        });
    }
    void on_failure(const mqtt::token& tok) override {
        const std::string why = "cannot connect (code " + std::to_string(tok.get_return_code()) + ")";
        asio::post(io_, [alive = alive_, failed = failed_, why] {
            if (!alive.expired()) failed(why);
        });
    }

private:
    asio::io_context& io_;
    std::weak_ptr<bool> alive_;
    std::function<void()> ok_;
    std::function<void(const std::string&)> failed_;
};

}  // namespace

link::link(asio::io_context& io, link_options options)
    : io_(io), options_(std::move(options)), retry_timer_(io), backoff_(options_.reconnect_min) {
    auto builder = mqtt::connect_options_builder();
    builder.mqtt_version(MQTTVERSION_3_1_1).clean_session(true).keep_alive_interval(std::chrono::seconds(30));
    builder.connect_timeout(std::chrono::seconds(10)).automatic_reconnect(false);
    if (!options_.username.empty()) builder.user_name(options_.username);
    if (!options_.password.empty()) builder.password(options_.password);
    connect_options_ = std::make_unique<mqtt::connect_options>(builder.finalize());
    client_ = std::make_unique<mqtt::async_client>(options_.server_uri, options_.client_id,
                                                   mqtt::create_options(MQTTVERSION_3_1_1), nullptr);
    std::weak_ptr<bool> alive = alive_;
    // One listener for every connect: Paho may still hold it while its outcome is handled.
    listener_ = std::make_unique<connect_listener>(
        io_, alive, [this] { connected(); },
        [this](const std::string& why) {
            connecting_ = false;
            if (on_down_) on_down_(why);
            retry();
        });
    client_->set_connection_lost_handler([this, alive](const std::string& cause) {
        asio::post(io_, [this, alive, cause] {
            if (!alive.expired()) lost(cause.empty() ? "connection lost" : cause);
        });
    });
    client_->set_message_callback([this, alive, queued = queued_](const mqtt::const_message_ptr& msg) {
        const std::size_t size = msg->get_payload_ref().size();
        const char* why = nullptr;
        if (size > options_.max_payload) {
            why = "oversized";
        } else if (queued->load() >= options_.max_queued) {
            why = "queue full";
        }
        std::string topic = msg->get_topic();
        std::string payload = why == nullptr ? msg->to_string() : std::string();
        ++*queued;
        asio::post(io_, [this, alive, queued, topic = std::move(topic), payload = std::move(payload), size, why] {
            --*queued;
            if (alive.expired()) return;
            if (why != nullptr) {
                if (on_dropped_) on_dropped_(topic, size, why);
            } else if (on_message_) {
                on_message_(topic, payload);
            }
        });
    });
}

link::~link() {
    close();
    client_.reset();
}

void link::open() {
    closed_ = false;
    connect();
}

void link::connect() {
    if (closed_ || connecting_ || up_) return;
    connecting_ = true;
    try {
        client_->connect(*connect_options_, nullptr, *listener_);
    } catch (const std::exception& e) {
        connecting_ = false;
        if (on_down_) on_down_(std::string("cannot connect: ") + e.what());
        retry();
    }
}

void link::connected() {
    connecting_ = false;
    if (closed_) return;
    up_ = true;
    backoff_ = options_.reconnect_min;
    for (const auto& f : filters_) {
        try {
            client_->subscribe(f, 1);
        } catch (const std::exception&) {}
    }
    if (on_up_) on_up_();
}

void link::lost(const std::string& why) {
    if (!up_) return;
    up_ = false;
    if (on_down_) on_down_(why);
    retry();
}

void link::retry() {
    if (closed_) return;
    retry_timer_.expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, options_.reconnect_max);
    retry_timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (!ec && !alive.expired()) connect();
    });
}

void link::close() {
    if (closed_ && !alive_) return;
    closed_ = true;
    retry_timer_.cancel();
    if (client_ && client_->is_connected()) {
        try {
            client_->disconnect(0)->wait_for(std::chrono::milliseconds(500));
        } catch (const std::exception&) {}
    }
    up_ = false;
    alive_.reset();  // handlers already posted do nothing
}

void link::subscribe(const std::string& filter) {
    if (!filters_.insert(filter).second || !up_) return;
    try {
        client_->subscribe(filter, 1);
    } catch (const std::exception&) {}
}

void link::unsubscribe(const std::string& filter) {
    if (filters_.erase(filter) == 0 || !up_) return;
    try {
        client_->unsubscribe(filter);
    } catch (const std::exception&) {}
}

bool link::publish(const std::string& topic, const std::string& payload) {
    if (!up_) return false;
    try {
        client_->publish(topic, payload.data(), payload.size(), 1, false);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace hearth::z2m
