// The request/response MQTT client of hearthctl (see ctl_client.hpp).
#include "ctl/ctl_client.hpp"

#include "mqtt/connect_options.hpp"

#include <mqtt/async_client.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <random>

namespace hearth::ctl {

using json = nlohmann::json;
using steady = std::chrono::steady_clock;

namespace {

std::atomic<unsigned> transaction_counter{0};

std::string client_id() {
    std::random_device rd;
    return "hearthctl-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000);
}

/// Paho's connect timeout is in whole seconds (at least 1).
std::chrono::seconds whole_seconds(std::chrono::milliseconds ms) {
    return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(ms));
}

}  // namespace

std::string ctl_client::make_transaction() {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    return "ctl-" + std::to_string(::getpid()) + "-" + std::to_string(++transaction_counter) + "-" + std::to_string(ms);
}

ctl_client::ctl_client(client_settings settings) : settings_(std::move(settings)) {
    if (auto problem = mqtt::broker_url_problem(settings_.url); !problem.empty())
        throw ctl_failure(exit_usage, "invalid broker URL '" + mqtt::redact_url(settings_.url) + "': " + problem);
    mqtt::connect_settings c;  // the same builder hearthd uses (mqtt/connect_options.hpp)
    c.url = settings_.url;
    c.username = settings_.username;
    c.password = settings_.password;
    c.ca_file = settings_.ca_file;
    c.cert_file = settings_.cert_file;
    c.key_file = settings_.key_file;
    c.verify_hostname = settings_.verify_hostname;
    c.keepalive = std::chrono::seconds(30);
    c.connect_timeout = whole_seconds(settings_.timeout);
    try {
        auto plan = mqtt::make_connect_plan(c);
        connect_options_ = std::make_unique<::mqtt::connect_options>(std::move(plan.options));
        client_ = std::make_unique<::mqtt::async_client>(plan.server_uri, client_id(),
                                                         ::mqtt::create_options(MQTTVERSION_3_1_1), nullptr);
    } catch (const std::exception& e) {
        throw ctl_failure(exit_usage, "invalid broker URL '" + mqtt::redact_url(settings_.url) + "': " + e.what());
    }
    client_->set_message_callback([this](const ::mqtt::const_message_ptr& msg) {
        {
            std::lock_guard lock(mutex_);
            inbox_.push_back({msg->get_topic(), msg->to_string()});
        }
        cv_.notify_all();
    });
    client_->set_connection_lost_handler([this](const std::string&) {
        {
            std::lock_guard lock(mutex_);
            lost_ = true;
        }
        cv_.notify_all();
    });
}

ctl_client::~ctl_client() {
    try {
        if (client_ && client_->is_connected()) client_->disconnect(0)->wait_for(std::chrono::seconds(1));
    } catch (const std::exception&) {
        // Nothing useful to do on the way out: the broker drops the session anyway.
    }
}

void ctl_client::connect() {
    try {
        auto token = client_->connect(*connect_options_);
        if (!token->wait_for(settings_.timeout + std::chrono::milliseconds(500))) {
            throw ctl_failure(exit_no_broker,
                              "cannot connect to the broker at " + mqtt::redact_url(settings_.url) + ": timed out");
        }
    } catch (const ::mqtt::exception& e) {
        // Paho's text names the reason (refused, not authorized, TLS); it never contains the password.
        throw ctl_failure(exit_no_broker,
                          "cannot connect to the broker at " + mqtt::redact_url(settings_.url) + ": " + e.what());
    }
    if (!client_->is_connected())
        throw ctl_failure(exit_no_broker, "cannot connect to the broker at " + mqtt::redact_url(settings_.url));
}

void ctl_client::subscribe(const std::string& filter) {
    try {
        if (!client_->subscribe(filter, 1)->wait_for(settings_.timeout)) {
            throw ctl_failure(exit_no_broker, "the broker did not confirm the subscription to " + filter);
        }
    } catch (const ::mqtt::exception& e) {
        throw ctl_failure(exit_no_broker, "cannot subscribe to " + filter + ": " + e.what());
    }
}

json ctl_client::exchange(const std::string& reply_topic, const std::string& request_topic, json payload) {
    const std::string transaction = make_transaction();
    payload["transaction"] = transaction;
    subscribe(reply_topic);
    {
        std::lock_guard lock(mutex_);
        inbox_.clear();
    }
    try {
        const std::string text = payload.dump();
        client_->publish(request_topic, text.data(), text.size(), 1, false)->wait_for(settings_.timeout);
    } catch (const ::mqtt::exception& e) {
        throw ctl_failure(exit_no_broker, "cannot publish to " + request_topic + ": " + e.what());
    }
    const auto deadline = steady::now() + settings_.timeout;
    std::unique_lock lock(mutex_);
    while (true) {
        while (!inbox_.empty()) {
            message m = std::move(inbox_.front());
            inbox_.pop_front();
            if (m.topic != reply_topic) continue;
            json r = json::parse(m.payload, nullptr, false);
            if (r.is_object() && r.value("transaction", std::string()) == transaction) {
                return r;  // no UNSUBSCRIBE round trip: the clean session ends with this client
            }
        }
        if (lost_) {
            throw ctl_failure(exit_no_broker,
                              "lost the connection to the broker at " + mqtt::redact_url(settings_.url));
        }
        if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && inbox_.empty()) {
            char seconds[32];
            std::snprintf(seconds, sizeof seconds, "%g", static_cast<double>(settings_.timeout.count()) / 1000.0);
            throw ctl_failure(exit_timeout, std::string("no answer from hearthd within ") + seconds + " s on " +
                                                reply_topic + " (is hearthd running, with base topic '" +
                                                settings_.base_topic + "'?)");
        }
    }
}

std::optional<std::string> ctl_client::first_message(const std::string& topic,
                                                     std::chrono::steady_clock::time_point deadline) {
    if (!client_->is_connected()) connect();
    {
        std::lock_guard lock(mutex_);
        inbox_.clear();
    }
    subscribe(topic);
    std::unique_lock lock(mutex_);
    while (true) {
        std::optional<std::string> newest;
        for (auto& m : inbox_) {
            if (m.topic == topic) newest = std::move(m.payload);
        }
        inbox_.clear();
        if (newest) return newest;
        if (lost_) {
            throw ctl_failure(exit_no_broker,
                              "lost the connection to the broker at " + mqtt::redact_url(settings_.url));
        }
        if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && inbox_.empty()) return std::nullopt;
    }
}

std::string ctl_client::broker_url() const { return mqtt::redact_url(settings_.url); }

json ctl_client::request(const std::string& name, json args) {
    const std::string prefix = settings_.base_topic + "/bridge/";
    return exchange(prefix + "response/" + name, prefix + "request/" + name, std::move(args));
}

json ctl_client::matter_request(const std::string& name, json args) {
    const std::string prefix = settings_.base_topic + "/bridge/matter/";
    return exchange(prefix + "response/" + name, prefix + "request/" + name, std::move(args));
}

json ctl_client::set(const std::string& device, json payload) {
    const std::string prefix = settings_.base_topic + "/" + device + "/";
    return exchange(prefix + "response", prefix + "set", std::move(payload));
}

}  // namespace hearth::ctl
