// The care alert in hearthd (docs/proactive.md, "Care alert"): the monitor is fed every activity
// entry on the loop and checked by a timer armed to the moment it asks for; a `care_alert` or
// `care_ok` transition is published as a bridge event, and an alert activates the configured
// scene. The model of normal gaps is learned on the proactive worker from the stored activity at
// start and then daily.
#include "app/persistence.hpp"
#include "app/proactive_service.hpp"
#include "app/rules_service.hpp"

#include "log/log.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace hearth {

using json = nlohmann::json;

namespace {
constexpr std::chrono::hours k_relearn_every{24};
/// The check timer never sleeps longer than this (a clock step cannot delay an alert for long).
constexpr time_ms k_max_check_sleep_ms = time_ms{5} * 60'000;
}  // namespace

void proactive_service::on_activity(const activity_record& record) {
    if (!care_) return;
    care_->on_activity(record);
    check_care();  // publishes care_ok at once when this activity ends an alert
}

void proactive_service::check_care() {
    if (!care_ || stopped_) return;
    const time_ms now = clock_.now_ms();
    if (auto t = care_->tick(now)) {
        const bool alert = t->what == proactive::care_transition::kind::alert;
        if (alert) {
            log::app().warn("care: no activity for {} min (usual here: up to {} min)",
                            t->event.value("inactive_min", 0), t->event.value("threshold_min", 0));
        } else {
            log::app().info("care: activity resumed");
        }
        if (bridge_ != nullptr) bridge_->publish_bridge_event(t->event);
        if (alert && !cfg_.care.scene.empty()) {
            rules_.activate_scene(cfg_.care.scene, [scene = cfg_.care.scene](const mqtt::request_reply& r) {
                if (!r.ok) log::app().error("care: the scene '{}' failed: {}", scene, r.error);
            });
        }
    }
    const time_ms next = care_->next_check(now);
    const time_ms sleep = std::clamp<time_ms>(next - now, 1000, k_max_check_sleep_ms);
    care_timer_.expires_after(std::chrono::milliseconds(sleep));
    care_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) check_care();
    });
}

void proactive_service::arm_care_learning(std::chrono::milliseconds after) {
    learn_timer_.expires_after(after);
    learn_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        learn_care();
        arm_care_learning(k_relearn_every);
    });
}

void proactive_service::learn_care() {
    if (!care_ || learning_) return;
    try {
        persist_.db().flush();  // the reader sees committed rows only
    } catch (const std::exception& e) {
        log::app().error("care: cannot flush before learning: {}", e.what());
        return;
    }
    learning_ = true;
    const time_ms now = clock_.now_ms();
    const time_ms from = now - static_cast<time_ms>(cfg_.care.learn_days) * ms_per_day;
    auto job = [this, alive = std::weak_ptr<bool>(alive_), path = persist_.db().path(), settings = care_settings_, from,
                now] {
        std::optional<proactive::care_model> model;
        std::optional<activity_record> last_active;  // where the gap in progress starts after a restart
        try {
            auto reader = store::open_reader(path);
            proactive::care_learner learner(settings, from, now);
            store::read_activity(reader, from, now, [&](const activity_record& r) {
                learner.add(r);
                if (proactive::counts_as_activity(r, settings)) last_active = r;
                return true;
            });
            model = learner.finish();
        } catch (const std::exception& e) {
            log::app().error("care: learning failed, keeping the previous model: {}", e.what());
        }
        boost::asio::post(loop_, [this, alive, model, last_active] {
            if (alive.expired() || stopped_) return;
            learning_ = false;
            if (!model || !care_) return;
            if (last_active) care_->on_activity(*last_active);  // ignored when the monitor saw newer
            log::app().info("care: learned normal gaps from {} day(s), {} activity entries", model->days_learned,
                            model->activities);
            care_->set_model(*model);
            check_care();
        });
    };
    if (!worker_.submit(std::move(job))) {
        learning_ = false;
        log::app().warn("care: the proactive worker is busy; learning again in a day");
    }
}

}  // namespace hearth
