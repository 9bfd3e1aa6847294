// Role: the simulation's view of the host — clock, tracked timers and reporting — so that every
// timer a device arms is known and `cancel_all()` on stop leaves nothing pending.
#pragma once

#include <hearth/driver.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace hearth::demo {

/// Thin façade over hearth::host used by every simulated device. Single-threaded: all calls
/// happen on the driver instance's thread.
class sim_host {
public:
    /// Wraps `h`, which must outlive this object.
    explicit sim_host(hearth::host& h) : host_(h) {}
    sim_host(const sim_host&) = delete;
    sim_host& operator=(const sim_host&) = delete;

    /// Host clock, milliseconds since the Unix epoch.
    [[nodiscard]] std::uint64_t now_ms() const { return host_.now_ms(); }

    /// Runs `fn` once after `delay` via a host timer. Returns a handle > 0 for cancel(), or 0 if
    /// the simulation is stopped or the host refused the timer.
    std::uint64_t after(std::chrono::milliseconds delay, std::function<void()> fn);
    /// Cancels the timer behind `handle` (harmless if fired or 0) and sets `handle` to 0.
    void cancel(std::uint64_t& handle);
    /// Cancels every pending timer and refuses new ones from now on.
    void cancel_all();
    /// Number of armed timers (for diagnostics).
    [[nodiscard]] std::size_t pending_timers() const noexcept { return timers_.size(); }

    void report_state(const std::string& id, const json& state) const { host_.report_state(id, state); }
    void report_event(const std::string& id, const json& event) const { host_.report_event(id, event); }
    void report_availability(const std::string& id, bool online) const { host_.report_availability(id, online); }
    void command_result(std::uint64_t command_id, status code, std::string_view message = {}) const {
        host_.command_result(command_id, code, message);
    }
    void log(log_level level, std::string_view message) const { host_.log(level, message); }

private:
    hearth::host& host_;
    std::map<std::uint64_t, std::uint64_t> timers_;  // our handle -> host timer id
    std::uint64_t next_handle_ = 1;
    bool stopped_ = false;
};

}  // namespace hearth::demo
