// A hub that speaks the uplink wire contract v1 without hearthd (tests and bench of the community
// side): client id hub-<home>, user <home>, clean session, failover over several server URIs,
// and an at-least-once publish (re-sent with the same envelope id until the PUBACK arrives).
#pragma once

#include <mqtt/async_client.h>

#include <chrono>
#include <filesystem>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hearth::community_test {

class fake_hub {
public:
    /// Hub `home` of `site`: client id hub-<home>, user <home>.
    fake_hub(std::string site, std::string home, const std::string& password, const std::vector<std::string>& uris);
    /// Any client (e.g. the service user's spy): its own client id and user.
    fake_hub(std::string site, std::string home, const std::string& client_id, const std::string& user,
             const std::string& password, const std::vector<std::string>& uris);
    ~fake_hub();
    fake_hub(const fake_hub&) = delete;
    fake_hub& operator=(const fake_hub&) = delete;

    /// Connects (first answering URI); false when none answers within `timeout`.
    bool connect(std::chrono::milliseconds timeout = std::chrono::seconds(20));

    /// The envelope of up message `seq` of `kind` (id "<home>:<boot>:<seq>") with `data`.
    [[nodiscard]] std::string envelope(std::int64_t seq, const std::string& kind, std::int64_t ts_ms,
                                       const std::string& data_json) const;
    [[nodiscard]] std::string id_of(std::int64_t seq) const;
    [[nodiscard]] std::string up_topic(const std::string& kind) const;

    /// Publishes at QoS 1 and waits for the PUBACK; on a failure waits for the reconnect and
    /// sends again (same payload) until `deadline`. Returns how many sends it took (0: gave up).
    int publish_reliably(const std::string& topic, const std::string& payload,
                         std::chrono::steady_clock::time_point deadline);
    /// Sends health messages (id seq `seq`) until hearth-community's database at `database` has a
    /// health of this home: the service has subscribed (what is published before is routed
    /// nowhere). False after `timeout`.
    bool await_service(const std::filesystem::path& database, std::chrono::seconds timeout);
    /// One QoS 1 publish attempt; true on PUBACK within 5 s.
    bool publish_once(const std::string& topic, const std::string& payload);
    /// Subscribes at QoS 1; returns the granted code (0x80 = refused), or -1 when the connection
    /// failed instead.
    int subscribe(const std::string& filter);
    [[nodiscard]] bool connected() const { return client_->is_connected(); }
    [[nodiscard]] const std::string& home() const { return home_; }
    /// Messages received on subscriptions (topic, payload).
    std::vector<std::pair<std::string, std::string>> received();

private:
    std::string site_;
    std::string home_;
    std::string boot_ = "0a1b2c3d4e5f6071";
    std::unique_ptr<::mqtt::async_client> client_;
    ::mqtt::connect_options options_;
    std::mutex mutex_;
    std::vector<std::pair<std::string, std::string>> received_;
};

}  // namespace hearth::community_test
