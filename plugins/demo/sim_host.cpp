// Role: implementation of sim_host's timer bookkeeping.
#include "sim_host.hpp"

#include <utility>

namespace hearth::demo {

std::uint64_t sim_host::after(std::chrono::milliseconds delay, std::function<void()> fn) {
    if (stopped_) return 0;
    const std::uint64_t handle = next_handle_++;
    const std::uint64_t timer_id = host_.set_timer(delay, [this, handle, fn = std::move(fn)] {
        if (timers_.erase(handle) == 0 || stopped_) return;
        fn();
    });
    if (timer_id == 0) {
        host_.warn("host refused a timer");
        return 0;
    }
    timers_.emplace(handle, timer_id);
    return handle;
}

void sim_host::cancel(std::uint64_t& handle) {
    if (handle == 0) return;
    if (auto it = timers_.find(handle); it != timers_.end()) {
        host_.cancel_timer(it->second);
        timers_.erase(it);
    }
    handle = 0;
}

void sim_host::cancel_all() {
    stopped_ = true;
    for (const auto& [handle, timer_id] : timers_) host_.cancel_timer(timer_id);
    timers_.clear();
}

}  // namespace hearth::demo
