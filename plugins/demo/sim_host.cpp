// Role: implementation of sim_host's timer queue.
#include "sim_host.hpp"

#include <algorithm>
#include <utility>

namespace hearth::demo {

std::uint64_t sim_host::after(std::chrono::milliseconds delay, std::function<void()> fn) {
    if (stopped_) return 0;
    const auto due = now_ms() + static_cast<std::uint64_t>(std::max<std::int64_t>(delay.count(), 0));
    timers_.emplace(next_handle_, timer{due, std::move(fn)});
    return next_handle_++;
}

void sim_host::cancel(std::uint64_t& handle) {
    timers_.erase(handle);
    handle = 0;
}

void sim_host::cancel_all() {
    stopped_ = true;
    timers_.clear();
}

std::optional<std::uint64_t> sim_host::next_due() const {
    const auto it = std::min_element(timers_.begin(), timers_.end(),
                                     [](const auto& a, const auto& b) { return a.second.due < b.second.due; });
    if (it == timers_.end()) return std::nullopt;
    return it->second.due;
}

std::size_t sim_host::run_due() {
    std::size_t ran = 0;
    for (auto due = next_due(); due && *due <= now_ms(); due = next_due()) {
        const auto it =
            std::find_if(timers_.begin(), timers_.end(), [&](const auto& t) { return t.second.due == *due; });
        const auto fn = std::move(it->second.fn);
        timers_.erase(it);
        fn();
        ++ran;
    }
    return ran;
}

}  // namespace hearth::demo
