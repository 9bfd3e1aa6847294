// A test MQTT client on Paho: subscribes, records every message (topic, payload, retain flag) in
// arrival order, and lets a test wait for a predicate with a deadline (condition variable, no
// sleeps). request() speaks the bridge request/response protocol with a unique transaction.
// Thread: call from the test thread; Paho's callback thread only appends under the mutex.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mqtt {
class async_client;
}

namespace hearth::test {

using namespace std::chrono_literals;

struct received {
    std::string topic;
    std::string payload;
    bool retained = false;
    std::size_t index = 0;  ///< position in arrival order

    /// The payload parsed as JSON (discarded value if it is not JSON).
    [[nodiscard]] nlohmann::json as_json() const;
};

struct probe_options {
    std::uint16_t port = 0;  ///< plain listener on 127.0.0.1
    std::string client_id;   ///< default: unique "probe-<pid>-<n>"
    std::string username;
    std::string password;
    std::string base = "hearth";  ///< base topic, for request()
};

/// MQTT topic filter matching with '+' and '#'.
bool topic_matches(const std::string& filter, const std::string& topic);

class mqtt_probe {
public:
    explicit mqtt_probe(probe_options options);
    explicit mqtt_probe(std::uint16_t port) : mqtt_probe(probe_options{port, {}, {}, {}, "hearth"}) {}
    ~mqtt_probe();
    mqtt_probe(const mqtt_probe&) = delete;
    mqtt_probe& operator=(const mqtt_probe&) = delete;

    /// Connects (clean session); throws std::runtime_error on failure or timeout.
    void connect(std::chrono::milliseconds timeout = 5s);
    [[nodiscard]] bool connected() const;

    /// Subscribes at QoS 1 and waits for the SUBACK; throws on failure.
    void subscribe(const std::vector<std::string>& filters);

    /// Publishes at QoS 1 and waits for the PUBACK.
    void publish(const std::string& topic, const std::string& payload, bool retained = false);

    /// The number of messages received so far: pass it as `from` to look only at later ones.
    [[nodiscard]] std::size_t mark() const;

    /// A copy of the messages received from index `from` on.
    [[nodiscard]] std::vector<received> messages(std::size_t from = 0) const;

    /// Waits until `pred(all messages)` is true or `timeout` passes; returns the last verdict.
    bool wait_for(const std::function<bool(const std::vector<received>&)>& pred, std::chrono::milliseconds timeout);

    /// The first message from `from` on that satisfies `pred`, waiting up to `timeout`.
    std::optional<received> wait_message(const std::function<bool(const received&)>& pred,
                                         std::chrono::milliseconds timeout, std::size_t from = 0);

    /// The first message on `topic` (exact) from `from` on, waiting up to `timeout`.
    std::optional<received> wait_topic(const std::string& topic, std::chrono::milliseconds timeout,
                                       std::size_t from = 0);

    /// The newest message on `topic` from `from` on, without waiting.
    [[nodiscard]] std::optional<received> latest(const std::string& topic, std::size_t from = 0) const;

    /// A transaction id unique within this process.
    static std::string next_transaction();

    /// Publishes `args` + a fresh transaction to <base>/bridge/request/<name> and waits for the
    /// response with that transaction on <base>/bridge/response/<name>. Null JSON on timeout.
    nlohmann::json request(const std::string& name, nlohmann::json args = nlohmann::json::object(),
                           std::chrono::milliseconds timeout = 5s);

    /// Like request(), but returns the response message itself (with its arrival index).
    std::optional<received> request_message(const std::string& name, nlohmann::json args = nlohmann::json::object(),
                                            std::chrono::milliseconds timeout = 5s);

    /// Publishes `payload` (an object; a fresh transaction is added) to <base>/<device>/set and
    /// waits for the matching <base>/<device>/response. Null JSON on timeout.
    nlohmann::json set(const std::string& device, nlohmann::json payload, std::chrono::milliseconds timeout = 5s);

private:
    void ensure_subscribed(const std::string& filter);

    probe_options options_;
    std::unique_ptr<::mqtt::async_client> client_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<received> messages_;
    std::set<std::string> subscribed_;
};

}  // namespace hearth::test
