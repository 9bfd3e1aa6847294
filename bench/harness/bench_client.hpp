// A thin MQTT client for the bench harness (Paho async_client): connect, subscribe, publish, and
// every received message handed to one callback with its CLOCK_MONOTONIC arrival time, taken
// first thing in Paho's delivery thread.
#pragma once

#include <mqtt/async_client.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace hearth::bench {

struct arrival {
    std::string topic;
    std::string payload;
    bool retained = false;
    std::int64_t ns = 0;
};

class bench_client {
public:
    using handler = std::function<void(const arrival&)>;

    /// Connects (clean session) to `url` as `client_id`; throws on failure.
    bench_client(const std::string& url, const std::string& client_id, handler on_message = {});
    ~bench_client();
    bench_client(const bench_client&) = delete;
    bench_client& operator=(const bench_client&) = delete;

    /// Subscribes and waits for the SUBACK.
    void subscribe(const std::string& filter, int qos = 1);
    /// Publishes without waiting for the acknowledgement.
    void publish(const std::string& topic, const std::string& payload, int qos = 1, bool retained = false);
    /// Publishes and waits until the broker acknowledged it (QoS >= 1).
    void publish_wait(const std::string& topic, const std::string& payload, int qos = 1, bool retained = false);

private:
    std::unique_ptr<::mqtt::async_client> client_;
};

}  // namespace hearth::bench
