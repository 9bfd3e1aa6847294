// hearth-community's Paho client: failover URLs, persistent session, QoS 1 (community_link.hpp).
#include "community/community_link.hpp"

#include "log/log.hpp"
#include "community/cluster_connect.hpp"

#include <random>
#include <stdexcept>

namespace hearth::community {
namespace {

constexpr int qos = 1;
constexpr const char* up_filter = "community/+/+/up/#";

std::string random_hex() {
    std::random_device rd;
    const std::uint64_t value = (static_cast<std::uint64_t>(rd()) << 32U) ^ rd();
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
}

}  // namespace

community_link::community_link(const community_config& config, community_core& core,
                               std::function<std::int64_t()> now_ms)
    : core_(core), now_ms_(std::move(now_ms)) {
    auto connect = make_cluster_connect(config);
    options_ = connect.options;
    options_.set_clean_session(false);
    options_.set_automatic_reconnect(std::chrono::milliseconds(250), std::chrono::seconds(4));
    client_ = std::make_unique<::mqtt::async_client>(connect.first_uri, config.client_id,
                                                     ::mqtt::create_options(MQTTVERSION_3_1_1));
    client_->set_message_callback([this](const ::mqtt::const_message_ptr& message) {
        const std::lock_guard lock(mutex_);
        core_.handle(message->get_topic(), message->get_payload_str(), now_ms_());
    });
    client_->set_connected_handler([this](const std::string&) {
        log::mqtt().info("community: connected");
        subscribe();
    });
    client_->set_connection_lost_handler([](const std::string& cause) {
        log::mqtt().warn("community: connection lost ({}), reconnecting", cause.empty() ? "no cause" : cause);
    });
}

community_link::~community_link() { stop(); }

void community_link::start() {
    try {
        client_->connect(options_)->wait();
    } catch (const ::mqtt::exception& e) {
        throw std::runtime_error(std::string("community: cannot connect to any broker URL: ") + e.what());
    }
}

void community_link::subscribe() {
    try {
        client_->subscribe(up_filter, qos);
    } catch (const ::mqtt::exception& e) {
        log::mqtt().error("community: subscribe failed: {}", e.what());
    }
}

void community_link::stop() {
    if (client_ && client_->is_connected()) {
        try {
            client_->disconnect()->wait_for(std::chrono::seconds(5));
        } catch (const ::mqtt::exception& e) {
            log::mqtt().warn("community: disconnect: {}", e.what());
        }
    }
}

void community_link::tick() {
    std::vector<outgoing> out;
    {
        const std::lock_guard lock(mutex_);
        out = core_.tick(now_ms_());
    }
    for (auto& message : out) {
        try {
            client_->publish(message.topic, message.payload.data(), message.payload.size(), qos, false);
        } catch (const ::mqtt::exception& e) {
            log::mqtt().error("community: cannot publish escalation: {}", e.what());
        }
    }
}

std::string community_link::send_request(const std::string& site, const std::string& home, const std::string& name,
                                         const nlohmann::json& args) {
    std::string request_id = "c-" + random_hex() + "-" + std::to_string(++request_seq_);
    const auto now = now_ms_();
    auto request = make_down_request(site, home, name, request_id, now, args);
    if (!request) {
        throw std::invalid_argument(request.error());
    }
    {
        const std::lock_guard lock(mutex_);
        core_.store().record_request(request_id, home, name, now);
    }
    client_->publish(request.value().topic, request.value().payload.data(), request.value().payload.size(), qos, false)
        ->wait_for(std::chrono::seconds(10));
    return request_id;
}

bool community_link::connected() const { return client_ && client_->is_connected(); }

}  // namespace hearth::community
