// hearth-community's connection to the cluster (docs/community.md, "Community service"): one
// Paho client with every configured URL as failover servers, a persistent session (clean
// session false, fixed client id) so the broker queues what arrives while the service is down,
// subscription community/+/+/up/# at QoS 1. A message is stored before its callback returns, so
// the PUBACK goes out only after the SQLite commit (at-least-once into the database).
#pragma once

#include "community/community_config.hpp"
#include "community/community_core.hpp"

#include <mqtt/async_client.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace hearth::community {

class community_link {
public:
    /// `core` must outlive the link; `now_ms` is the clock stamped on received messages.
    community_link(const community_config& config, community_core& core, std::function<std::int64_t()> now_ms);
    ~community_link();
    community_link(const community_link&) = delete;
    community_link& operator=(const community_link&) = delete;

    /// Connects (trying the URLs in order) and subscribes; throws std::runtime_error when no URL
    /// answers. After that the client reconnects by itself.
    void start();
    /// Disconnects; the broker keeps the session.
    void stop();

    /// Runs core.tick() under the lock and publishes the escalations (QoS 1).
    void tick();

    /// Sends request `name` to home `home` of `site`, records it; returns the request id.
    std::string send_request(const std::string& site, const std::string& home, const std::string& name,
                             const nlohmann::json& args);

    [[nodiscard]] bool connected() const;

private:
    void subscribe();

    community_core& core_;
    std::function<std::int64_t()> now_ms_;
    std::mutex mutex_;  ///< guards core_ (Paho's callback thread and the caller of tick())
    std::unique_ptr<::mqtt::async_client> client_;
    ::mqtt::connect_options options_;
    std::uint64_t request_seq_ = 0;
};

}  // namespace hearth::community
