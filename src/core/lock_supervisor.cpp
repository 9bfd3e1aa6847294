// Auto-relock, 'door left unlocked' and attempts without outcome (see lock_supervisor.hpp).
#include "core/lock_supervisor.hpp"

#include "log/log.hpp"

#include <algorithm>
#include <utility>

namespace hearth {

namespace {
constexpr const char* k_relock = "relock";
constexpr const char* k_alarm = "left_unlocked";

bool is_open_state(const std::string& s) { return s == "unlocked" || s == "unlatched" || s == "unlocking"; }
}  // namespace

void lock_supervisor::restore() {
    loop_thread_.assert_on_loop_thread("lock_supervisor::restore");
    if (store_ == nullptr) return;
    try {
        for (const auto& t : store_->load_timers()) restored_[t.device_id][t.kind] = t.due_ms;
    } catch (const std::exception& e) {
        log::lock().error("lock timers cannot be read from the database: {}", e.what());
    }
    for (const auto& [id, kinds] : restored_) {
        for (const auto& [kind, due] : kinds)
            log::lock().info("lock '{}': {} due at {} restored from the database", id, kind, due);
    }
    // Read now, before any driver runs: an attempt of this process is never mistaken for one
    // that lost its outcome in a crash.
    try {
        open_attempts_ = store_->take_open_attempts();
    } catch (const std::exception& e) {
        log::lock().error("lock attempts without outcome cannot be read from the database: {}", e.what());
    }
}

void lock_supervisor::on_drivers_ready() {
    loop_thread_.assert_on_loop_thread("lock_supervisor::on_drivers_ready");
    ready_ = true;
    for (const auto& a : std::exchange(open_attempts_, {})) gw_.report_unknown_outcome(a);
    // Restored timers run now, after the lock has been read again (refresh, then a settle delay);
    // fire() acts only if the lock still reports itself unlocked.
    auto restored = std::move(restored_);
    restored_.clear();
    const std::int64_t earliest = gw_.now_ms() + settle_.count();
    for (const auto& [id, kinds] : restored) {
        gw_.refresh(id);
        for (const auto& [kind, due] : kinds) schedule(id, kind, std::max(due, earliest), false);
    }
}

void lock_supervisor::on_state_changed(const device_entry& device, const nlohmann::json& changed) {
    loop_thread_.assert_on_loop_thread("lock_supervisor::on_state_changed");
    if (device.descriptor.type != device_type::lock) return;
    auto it = changed.find("lock_state");
    if (it == changed.end() || !it->is_string()) return;
    const std::string s = it->get<std::string>();
    if (s == "unlocked") {
        arm(device.descriptor.id);
    } else if (s == "locked") {
        disarm(device.descriptor.id);
    }
    // locking / unlocking / unlatched / jammed: pending timers stay as they are
}

void lock_supervisor::on_device_removed(const std::string& device_id) {
    loop_thread_.assert_on_loop_thread("lock_supervisor::on_device_removed");
    // Removal of an unlocked lock is refused upstream (gateway::authorize_lock_admin); a driver
    // that drops its device keeps the stored timers for when it comes back.
    auto it = timers_.find(device_id);
    if (it == timers_.end()) return;
    log::lock().warn("lock '{}' was removed with a pending auto-relock/alarm; kept for when it returns", device_id);
    for (auto& [kind, slot] : it->second)
        if (slot.timer) slot.timer->cancel();
    timers_.erase(it);
}

std::pair<std::int64_t, std::int64_t> lock_supervisor::due(const std::string& id) const {
    auto get = [&](const char* kind) -> std::int64_t {
        if (auto it = timers_.find(id); it != timers_.end()) {
            if (auto k = it->second.find(kind); k != it->second.end()) return k->second.due_ms;
        }
        if (auto it = restored_.find(id); it != restored_.end()) {
            if (auto k = it->second.find(kind); k != it->second.end()) return k->second;
        }
        return 0;
    };
    return {get(k_relock), get(k_alarm)};
}

void lock_supervisor::arm(const std::string& id) {
    const lock_settings s = gw_.locks().settings_for(id);
    const std::int64_t now = gw_.now_ms();
    // A timer restored from before a restart keeps its original due time.
    std::map<std::string, std::int64_t> previous;
    if (auto r = restored_.find(id); r != restored_.end()) {
        previous = std::move(r->second);
        restored_.erase(r);
    }
    auto keep_or = [&](const char* kind, std::int64_t fresh) {
        auto p = previous.find(kind);
        return p != previous.end() ? p->second : fresh;
    };
    auto existing = timers_.find(id);
    if (s.auto_relock_ms > 0) {
        const bool pending = existing != timers_.end() && existing->second.contains(k_relock);
        if (!pending) schedule(id, k_relock, keep_or(k_relock, now + s.auto_relock_ms), true);
    }
    if (s.left_unlocked_ms > 0) {
        existing = timers_.find(id);
        const bool pending = existing != timers_.end() && existing->second.contains(k_alarm);
        if (!pending) schedule(id, k_alarm, keep_or(k_alarm, now + s.left_unlocked_ms), true);
    }
}

void lock_supervisor::schedule(const std::string& id, const std::string& kind, std::int64_t due_ms, bool persist) {
    if (persist && store_ != nullptr) {
        try {
            store_->save_timer({id, kind, due_ms});
        } catch (const std::exception& e) {
            log::lock().error("lock '{}': the {} timer cannot be stored ({}): it will not survive a restart", id, kind,
                              e.what());
        }
    }
    timer_slot& slot = timers_[id][kind];
    if (slot.timer) slot.timer->cancel();
    slot.due_ms = due_ms;
    const auto wait = std::chrono::milliseconds(std::max<std::int64_t>(0, due_ms - gw_.now_ms()));
    slot.timer = std::make_unique<boost::asio::steady_timer>(loop_, wait);
    slot.timer->async_wait([this, id, kind](const boost::system::error_code& ec) {
        if (!ec) fire(id, kind);
    });
}

void lock_supervisor::disarm(const std::string& id) {
    if (auto it = timers_.find(id); it != timers_.end()) {
        for (auto& [kind, slot] : it->second)
            if (slot.timer) slot.timer->cancel();
        timers_.erase(it);
    }
    restored_.erase(id);
    if (store_ == nullptr) return;
    for (const char* kind : {k_relock, k_alarm}) {
        try {
            store_->remove_timer(id, kind);
        } catch (const std::exception& e) {
            log::lock().error("lock '{}': the {} timer cannot be removed from the database: {}", id, kind, e.what());
        }
    }
}

bool lock_supervisor::still_unlocked(const std::string& id) const {
    const device_entry* d = gw_.registry().find(id);
    return d != nullptr && is_open_state(d->state.value("lock_state", std::string()));
}

void lock_supervisor::fire(const std::string& id, const std::string& kind) {
    auto it = timers_.find(id);
    if (it == timers_.end() || !it->second.contains(kind)) return;
    const std::int64_t due_ms = it->second[kind].due_ms;
    if (!still_unlocked(id)) {
        // Read again and found locked, locking, jammed or gone: nothing to do; the rows go too.
        disarm(id);
        return;
    }
    if (kind == k_alarm) {
        const std::int64_t unlocked_for_s = gw_.locks().settings_for(id).left_unlocked_ms / 1000;
        log::lock().warn("lock '{}': door left unlocked for {} s", id, unlocked_for_s);
        gw_.emit_device_event(id, {{"event_type", "lock_alarm"},
                                   {"alarm", "left_unlocked"},
                                   {"unlocked_for_s", unlocked_for_s},
                                   {"due_ts", due_ms}});
        it->second.erase(kind);
        if (store_ != nullptr) {
            try {
                store_->remove_timer(id, kind);
            } catch (const std::exception& e) {
                log::lock().error("lock '{}': the alarm timer cannot be removed from the database: {}", id, e.what());
            }
        }
        return;
    }
    log::lock().info("lock '{}': auto-relock", id);
    device_command cmd;
    cmd.name = "lock";
    gw_.execute(id, cmd, command_source{"internal", "auto_relock"}, [this, id](const command_outcome& o) {
        if (o.ok) return;  // the state report "locked" disarms
        log::lock().error("lock '{}': auto-relock failed: {}; retrying in {} s", id, o.error, retry_.count() / 1000);
        auto t = timers_.find(id);
        if (t == timers_.end() || !t->second.contains(k_relock)) return;
        schedule(id, k_relock, gw_.now_ms() + retry_.count(), true);
    });
}

}  // namespace hearth
