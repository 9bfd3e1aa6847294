// proactive_service: construction, start and stop, health, and the device snapshot the worker
// mines on. The suggestion requests are in suggestion_requests.cpp, the care monitor's runtime in
// care_runtime.cpp.
#include "app/proactive_service.hpp"

#include "app/persistence.hpp"
#include "app/rules_service.hpp"
#include "log/log.hpp"
#include "rules/time_calc.hpp"

namespace hearth {

using json = nlohmann::json;

namespace {
/// The first learning run after start: soon, but after the drivers' first reports were queued.
constexpr std::chrono::seconds k_first_learning{10};

proactive::care_settings care_settings_of(const care_config& c) {
    proactive::care_settings s;
    s.enabled = c.enabled;
    s.devices = c.devices;
    s.min_gap_min = c.min_gap_min;
    s.quiet_hours = c.quiet_hours;
    s.learn_days = c.learn_days;
    return s;
}
}  // namespace

proactive_service::proactive_service(boost::asio::io_context& loop, const clock_source& clock, const config& cfg,
                                     gateway& gw, persistence& persist, rules_service& rules)
    : loop_(loop),
      clock_(clock),
      cfg_(cfg),
      gw_(gw),
      persist_(persist),
      rules_(rules),
      care_settings_(care_settings_of(cfg.care)),
      mine_timer_(loop),
      care_timer_(loop),
      learn_timer_(loop) {}

proactive_service::~proactive_service() { stop(); }

void proactive_service::start(mqtt::bridge* bridge) {
    bridge_ = bridge;
    load_decisions();
    if (bridge_ != nullptr) install_suggestion_requests(*bridge_);
    if (cfg_.suggestions.enabled) {
        const time_ms now = clock_.now_ms();
        const auto next = rules::next_time_of_day(now, cfg_.suggestions.mine_at_s, rules::every_day);
        arm_mining(std::chrono::milliseconds(next ? *next - now : ms_per_day));
    }
    if (cfg_.care.enabled) {
        // Until the first learning run, the monitor knows only the floor.
        care_ = std::make_unique<proactive::care_monitor>(care_settings_, proactive::care_model{});
        arm_care_learning(k_first_learning);
        log::app().info("care: enabled (floor {} min{}{})", cfg_.care.min_gap_min,
                        cfg_.care.scene.empty() ? "" : ", scene ", cfg_.care.scene);
    }
    persist_.set_activity_listener([this](const activity_record& r) { on_activity(r); });
}

void proactive_service::stop() {
    if (stopped_) return;
    stopped_ = true;
    *alive_ = false;
    persist_.set_activity_listener({});
    mine_timer_.cancel();
    care_timer_.cancel();
    learn_timer_.cancel();
    worker_.stop();
}

json proactive_service::health() const {
    json suggestions = {{"enabled", cfg_.suggestions.enabled},
                        {"mining", mining_},
                        {"offered", suggestions_answer()["suggestions"].size()},
                        {"last_run", mined_}};
    if (!mine_error_.empty()) suggestions["last_error"] = mine_error_;
    json care = care_ ? care_->status(clock_.now_ms()) : json{{"enabled", false}};
    return {{"suggestions", std::move(suggestions)}, {"care", std::move(care)}};
}

std::map<std::string, device_descriptor> proactive_service::device_snapshot() const {
    std::map<std::string, device_descriptor> devices;
    for (const auto& [id, entry] : gw_.registry().all()) devices.emplace(id, entry.descriptor);
    return devices;
}

}  // namespace hearth
