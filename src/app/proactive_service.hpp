// The proactive home in hearthd (docs/proactive.md): suggested automations mined from the activity
// log, and the care alert. Mining and learning run on this service's own worker thread, reading
// the database through a read-only connection; the loop only snapshots devices, keeps the results,
// answers requests, feeds the care monitor and publishes its events.
//
// Bridge requests: `suggestions` (the list; {"refresh": true} mines again first),
// `suggestion/accept` {"id"} (writes the automation into the scenes dir as
// suggested-<id>.json and reloads the rules; a refused reload removes the file again),
// `suggestion/reject` {"id"} (remembered in the store's meta, never offered again), `care/status`.
// Nothing is ever accepted automatically.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "app/query_worker.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/gateway.hpp"
#include "mqtt/bridge.hpp"
#include "proactive/care_model.hpp"
#include "proactive/suggestions.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace hearth {

class persistence;
class rules_service;

class proactive_service final : public gateway_observer {
public:
    /// References must outlive the service. Nothing runs before start().
    proactive_service(boost::asio::io_context& loop, const clock_source& clock, const config& cfg, gateway& gw,
                      persistence& persist, rules_service& rules);
    ~proactive_service() override;
    proactive_service(const proactive_service&) = delete;
    proactive_service& operator=(const proactive_service&) = delete;

    /// Registers the bridge requests (when `bridge` is given), listens to the activity log and
    /// arms the daily mining run and the care monitor (learning first, from the stored activity).
    void start(mqtt::bridge* bridge);
    /// Cancels the timers, stops listening and joins the worker. Idempotent.
    void stop();

    /// {"suggestions": {...}, "care": {...}} for the health request.
    [[nodiscard]] nlohmann::json health() const;

    /// Every driver has registered its devices: mining may start (a request before waits).
    void on_drivers_ready() override;

private:
    using reply_fn = std::function<void(mqtt::request_reply)>;

    // Suggestions (suggestion_requests.cpp).
    void install_suggestion_requests(mqtt::bridge& bridge);
    /// Mines on the worker once the drivers are ready; `done` runs on the loop with "" or the
    /// reason it could not. Callers during a run share its result.
    void mine(const std::function<void(const std::string&)>& done);
    /// Flushes and submits the mining job (mining_ is set).
    void start_mining();
    void arm_mining(std::chrono::milliseconds after);
    [[nodiscard]] nlohmann::json suggestions_answer() const;
    /// Writes the suggestion's file and reloads; the reason it was refused, if it was.
    std::optional<std::string> accept(const proactive::suggestion& s, nlohmann::json& answer);
    void load_decisions();
    void save_decisions();

    // Care (care_runtime.cpp).
    void on_activity(const activity_record& record);
    void learn_care();
    void arm_care_learning(std::chrono::milliseconds after);
    void check_care();

    /// The descriptors of the registry, copied for the worker.
    [[nodiscard]] std::map<std::string, device_descriptor> device_snapshot() const;

    boost::asio::io_context& loop_;
    const clock_source& clock_;
    const config& cfg_;
    gateway& gw_;
    persistence& persist_;
    rules_service& rules_;
    mqtt::bridge* bridge_ = nullptr;
    proactive::care_settings care_settings_;  ///< the `care` config section, for the monitor and the learner

    std::vector<proactive::suggestion> suggestions_;  ///< the last run's, before the decisions filter
    nlohmann::json mined_ = nullptr;                  ///< when and on what the last run mined
    std::string mine_error_;                          ///< why the last run failed ("" = it did not)
    bool mining_ = false;                             ///< a run is asked for or going
    bool mine_submitted_ = false;                     ///< the job of the run is on the worker (or finishing)
    bool drivers_ready_ = false;  ///< the registry holds every device (gateway_observer::on_drivers_ready)
    std::vector<std::function<void(const std::string&)>> waiting_;  ///< callers of a running mine()
    std::set<std::string> accepted_;
    std::set<std::string> rejected_;
    boost::asio::steady_timer mine_timer_;

    std::unique_ptr<proactive::care_monitor> care_;
    boost::asio::steady_timer care_timer_;
    boost::asio::steady_timer learn_timer_;
    bool learning_ = false;

    /// Mining and learning run here, one job at a time, off the loop.
    query_worker worker_{2};
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    bool stopped_ = false;
};

}  // namespace hearth
