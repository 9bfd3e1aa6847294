// Auto-relock and 'door left unlocked' (see lock_supervisor.hpp).
#include "core/lock_supervisor.hpp"

#include <spdlog/spdlog.h>

namespace hearth {

void lock_supervisor::on_state_changed(const device_entry& device, const nlohmann::json& changed) {
    if (device.descriptor.type != "lock") return;
    auto it = changed.find("lock_state");
    if (it == changed.end() || !it->is_string()) return;
    if (it->get<std::string>() == "unlocked")
        arm(device.descriptor.id);
    else
        disarm(device.descriptor.id);
}

void lock_supervisor::on_device_removed(const std::string& device_id) { disarm(device_id); }

void lock_supervisor::arm(const std::string& id) {
    disarm(id);
    const lock_settings s = gw_.locks().settings_for(id);
    timers& t = timers_[id];
    if (s.auto_relock_ms > 0) {
        t.relock = std::make_unique<boost::asio::steady_timer>(loop_, std::chrono::milliseconds(s.auto_relock_ms));
        t.relock->async_wait([this, id](const boost::system::error_code& ec) {
            if (ec) return;
            spdlog::info("lock '{}': auto-relock", id);
            device_command cmd;
            cmd.name = "lock";
            gw_.execute(id, cmd, command_source{"internal", "auto_relock"}, [id](const command_outcome& o) {
                if (!o.ok) spdlog::error("lock '{}': auto-relock failed: {}", id, o.error);
            });
        });
    }
    if (s.left_unlocked_ms > 0) {
        t.left_open = std::make_unique<boost::asio::steady_timer>(loop_, std::chrono::milliseconds(s.left_unlocked_ms));
        t.left_open->async_wait([this, id, s](const boost::system::error_code& ec) {
            if (ec) return;
            spdlog::warn("lock '{}': door left unlocked for {} s", id, s.left_unlocked_ms / 1000);
            gw_.emit_device_event(id, {{"event_type", "lock_alarm"},
                                       {"alarm", "left_unlocked"},
                                       {"unlocked_for_s", s.left_unlocked_ms / 1000}});
        });
    }
}

void lock_supervisor::disarm(const std::string& id) {
    auto it = timers_.find(id);
    if (it == timers_.end()) return;
    if (it->second.relock) it->second.relock->cancel();
    if (it->second.left_open) it->second.left_open->cancel();
    timers_.erase(it);
}

}  // namespace hearth
