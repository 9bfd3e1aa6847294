// The periodic publication of the Home Assistant energy and cost sensor values (docs/energy.md,
// "Home Assistant sensors"): every 5 minutes the buckets since the previous month are read and
// the per-device totals computed on the query thread; the payloads are published on the loop.
#include "app/energy_sensors.hpp"
#include "app/persistence.hpp"

#include "log/log.hpp"

#include <boost/asio/post.hpp>

namespace hearth {

namespace {
constexpr std::chrono::minutes k_energy_states_interval{5};
}  // namespace

void persistence::arm_energy_states(std::chrono::milliseconds after) {
    energy_states_timer_.expires_after(after);
    energy_states_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        arm_energy_states(k_energy_states_interval);
        if (bridge_ == nullptr) return;
        try {
            store_->flush();  // the reader sees committed rows only
        } catch (const std::exception& e) {
            log::store().error("energy sensors: flush failed: {}", e.what());
            return;
        }
        const time_ms now = clock_.now_ms();
        auto job = [this, alive = std::weak_ptr<bool>(alive_), path = store_->path(), energy = energy_, now] {
            try {
                auto states = energy_sensor_states(
                    energy, store::read_energy(path, "", energy_sensors_fetch_from(now), now), now);
                boost::asio::post(loop_, [this, alive, states = std::move(states), now] {
                    if (alive.expired() || stopped_ || bridge_ == nullptr) return;
                    bridge_->publish_energy_states(states, energy_sensor_zero(now));
                });
            } catch (const std::exception& e) {
                log::store().error("energy sensors: query failed: {}", e.what());
            }
        };
        if (!history_worker_.submit(std::move(job))) log::store().warn("energy sensors: the query thread is busy");
    });
}

}  // namespace hearth
