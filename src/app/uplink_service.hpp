// The community uplink in hearthd (docs/community.md): what leaves the home goes through the
// store's durable outbox onto the uplink connection (alarm device events, care alerts, lock
// events, health every health_interval_s, as allowed by uplink.publish); requests from the
// community are parsed, checked against uplink.accept, rate-limited, audited and answered on
// up/response through the same outbox. Off (nothing runs) unless uplink.enabled.
// Thread: loop thread.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/gateway.hpp"
#include "log/levels.hpp"
#include "mqtt/bridge.hpp"
#include "store/store.hpp"
#include "uplink/down_request.hpp"
#include "uplink/envelope.hpp"
#include "uplink/uplink_link.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace hearth {

class uplink_service final : public gateway_observer {
public:
    /// `db`, `gw` and `bridge` must outlive the service.
    uplink_service(boost::asio::io_context& loop, const clock_source& clock, const config& cfg, gateway& gw, store& db,
                   mqtt::bridge& bridge);
    ~uplink_service() override;
    uplink_service(const uplink_service&) = delete;
    uplink_service& operator=(const uplink_service&) = delete;

    /// Connects and starts publishing (no-op unless uplink.enabled).
    void start();
    /// Disconnects within `budget`; what is not delivered stays in the outbox.
    void stop(std::chrono::milliseconds budget);

    /// health.uplink: {enabled, connected, url, queued, in_flight, sent, dropped,
    /// refused_requests, last_error} (docs/mqtt-api.md).
    [[nodiscard]] nlohmann::json health() const;

    /// Queues one up message of `kind` with `data` (secrets stripped) durably in the outbox and
    /// wakes the link. False (logged, counted in last_error) when the store refused it.
    bool enqueue(const std::string& kind, const nlohmann::json& data);

    // gateway_observer
    void on_device_event(const device_entry& device, const nlohmann::json& event) override;

private:
    /// A bridge event the bridge published (its event tap): care_alert and care_ok go up.
    void on_published_bridge_event(const nlohmann::json& event);
    void arm_health();
    /// Every 10 minutes: once per local day, yesterday's energy goes up (meta uplink_energy_day).
    void arm_energy();
    void send_energy_daily();
    void handle_request(const std::string& topic, const std::string& payload);
    void run_request(const uplink::down_request& request);
    void run_command(const uplink::down_request& request);
    /// Recent log lines at or above args.level (default info), at most args.lines (1..1000, default 100).
    void run_logs(const uplink::down_request& request);
    /// A temporary log level (args level, minutes 1..240) that reverts when its time is up.
    void run_log_level(const uplink::down_request& request);
    /// Audits one request (source "uplink", actor = the request id); false when it could not be written.
    bool audit(const std::string& request_id, const std::string& name, const std::string& target,
               const std::string& result, const std::string& reason);
    void answer(const std::string& request_id, const std::string& name, bool ok, const nlohmann::json& data,
                const std::string& error);
    void refuse(const std::string& request_id, const std::string& name, const std::string& target,
                const std::string& why);

    boost::asio::io_context& loop_;
    const clock_source& clock_;
    const config& cfg_;
    const uplink_config& up_;
    gateway& gw_;
    store& db_;
    mqtt::bridge& bridge_;
    uplink::envelope_origin origin_;
    uplink::request_gate gate_;
    std::unique_ptr<uplink::uplink_link> link_;
    boost::asio::steady_timer health_timer_;
    boost::asio::steady_timer revert_timer_;
    boost::asio::steady_timer energy_timer_;
    std::optional<log::levels> saved_levels_;  ///< the levels before a temporary log_level
    std::uint64_t dropped_ = 0;
    std::uint64_t refused_requests_ = 0;
    std::string last_error_;
    bool started_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace hearth
