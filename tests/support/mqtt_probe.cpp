// Paho-based test client (see mqtt_probe.hpp).
#include "support/mqtt_probe.hpp"

#include <mqtt/async_client.h>

#include <unistd.h>

#include <atomic>
#include <stdexcept>

namespace hearth::test {

using json = nlohmann::json;
using steady = std::chrono::steady_clock;

namespace {
std::atomic<std::uint64_t> counter{0};
}

json received::as_json() const { return nlohmann::json::parse(payload, nullptr, false); }

bool topic_matches(const std::string& filter, const std::string& topic) {
    auto split = [](const std::string& s) {
        std::vector<std::string> levels;
        std::size_t start = 0;
        while (true) {
            const std::size_t slash = s.find('/', start);
            levels.push_back(s.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
            if (slash == std::string::npos) return levels;
            start = slash + 1;
        }
    };
    const auto f = split(filter);
    const auto t = split(topic);
    for (std::size_t i = 0; i < f.size(); ++i) {
        if (f[i] == "#") return true;
        if (i >= t.size() || (f[i] != "+" && f[i] != t[i])) return false;
    }
    return f.size() == t.size();
}

mqtt_probe::mqtt_probe(probe_options options) : options_(std::move(options)) {
    if (options_.client_id.empty()) {
        options_.client_id = "probe-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    }
    client_ =
        std::make_unique<::mqtt::async_client>("tcp://127.0.0.1:" + std::to_string(options_.port), options_.client_id,
                                               ::mqtt::create_options(MQTTVERSION_3_1_1), nullptr);
    client_->set_message_callback([this](::mqtt::const_message_ptr msg) {
        {
            std::lock_guard lock(mutex_);
            messages_.push_back(received{msg->get_topic(), msg->to_string(), msg->is_retained(), messages_.size()});
        }
        cv_.notify_all();
    });
}

mqtt_probe::~mqtt_probe() {
    try {
        if (client_->is_connected()) client_->disconnect(0)->wait_for(std::chrono::milliseconds(1000));
    } catch (const std::exception&) {}
}

void mqtt_probe::connect(std::chrono::milliseconds timeout) {
    auto builder = ::mqtt::connect_options_builder()
                       .clean_session(true)
                       .keep_alive_interval(std::chrono::seconds(30))
                       .connect_timeout(std::chrono::duration_cast<std::chrono::seconds>(timeout))
                       .automatic_reconnect(false);
    if (!options_.username.empty()) builder.user_name(options_.username);
    if (!options_.password.empty()) builder.password(options_.password);
    auto tok = client_->connect(builder.finalize());
    if (!tok->wait_for(timeout)) throw std::runtime_error("probe: connect timed out");
    if (!client_->is_connected()) throw std::runtime_error("probe: not connected");
}

bool mqtt_probe::connected() const { return client_->is_connected(); }

void mqtt_probe::subscribe(const std::vector<std::string>& filters) {
    auto coll = ::mqtt::string_collection::create(filters);
    auto tok = client_->subscribe(coll, std::vector<int>(filters.size(), 1));
    if (!tok->wait_for(std::chrono::seconds(5))) throw std::runtime_error("probe: subscribe timed out");
    std::lock_guard lock(mutex_);
    subscribed_.insert(filters.begin(), filters.end());
}

void mqtt_probe::ensure_subscribed(const std::string& filter) {
    {
        std::lock_guard lock(mutex_);
        if (subscribed_.contains(filter)) return;
    }
    subscribe({filter});
}

void mqtt_probe::publish(const std::string& topic, const std::string& payload, bool retained) {
    auto tok = client_->publish(topic, payload.data(), payload.size(), 1, retained);
    if (!tok->wait_for(std::chrono::seconds(5))) throw std::runtime_error("probe: publish to " + topic + " timed out");
}

std::size_t mqtt_probe::mark() const {
    std::lock_guard lock(mutex_);
    return messages_.size();
}

std::vector<received> mqtt_probe::messages(std::size_t from) const {
    std::lock_guard lock(mutex_);
    if (from >= messages_.size()) return {};
    return {messages_.begin() + static_cast<std::ptrdiff_t>(from), messages_.end()};
}

bool mqtt_probe::wait_for(const std::function<bool(const std::vector<received>&)>& pred,
                          std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_until(lock, steady::now() + timeout, [&] { return pred(messages_); });
}

std::optional<received> mqtt_probe::wait_message(const std::function<bool(const received&)>& pred,
                                                 std::chrono::milliseconds timeout, std::size_t from) {
    std::optional<received> found;
    std::size_t scanned = from;
    wait_for(
        [&](const std::vector<received>& all) {
            for (; scanned < all.size(); ++scanned) {
                if (pred(all[scanned])) {
                    found = all[scanned];
                    return true;
                }
            }
            return false;
        },
        timeout);
    return found;
}

std::optional<received> mqtt_probe::wait_topic(const std::string& topic, std::chrono::milliseconds timeout,
                                               std::size_t from) {
    return wait_message([&](const received& m) { return m.topic == topic; }, timeout, from);
}

std::optional<received> mqtt_probe::latest(const std::string& topic, std::size_t from) const {
    std::lock_guard lock(mutex_);
    for (std::size_t i = messages_.size(); i > from; --i) {
        if (messages_[i - 1].topic == topic) return messages_[i - 1];
    }
    return std::nullopt;
}

std::string mqtt_probe::next_transaction() {
    return "it-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

std::optional<received> mqtt_probe::request_message(const std::string& name, json args,
                                                    std::chrono::milliseconds timeout) {
    const std::string response_topic = options_.base + "/bridge/response/" + name;
    ensure_subscribed(response_topic);
    const std::string tx = next_transaction();
    args["transaction"] = tx;
    const std::size_t from = mark();
    publish(options_.base + "/bridge/request/" + name, args.dump());
    return wait_message(
        [&](const received& m) {
            if (m.topic != response_topic) return false;
            const json j = m.as_json();
            return j.is_object() && j.value("transaction", std::string()) == tx;
        },
        timeout, from);
}

json mqtt_probe::request(const std::string& name, json args, std::chrono::milliseconds timeout) {
    auto reply = request_message(name, std::move(args), timeout);
    return reply ? reply->as_json() : json();
}

json mqtt_probe::set(const std::string& device, json payload, std::chrono::milliseconds timeout) {
    const std::string response_topic = options_.base + "/" + device + "/response";
    ensure_subscribed(response_topic);
    const std::string tx = next_transaction();
    payload["transaction"] = tx;
    const std::size_t from = mark();
    publish(options_.base + "/" + device + "/set", payload.dump());
    auto reply = wait_message(
        [&](const received& m) {
            if (m.topic != response_topic) return false;
            const json j = m.as_json();
            return j.is_object() && j.value("transaction", std::string()) == tx;
        },
        timeout, from);
    return reply ? reply->as_json() : json();
}

}  // namespace hearth::test
