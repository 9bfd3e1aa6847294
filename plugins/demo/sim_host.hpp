// Role: the simulation's view of the host — its clock, reporting, and timers on that clock that
// the simulation runs itself (run_due), so a test steps simulated time deterministically and the
// driver pumps them from one asio timer on the kit's io thread.
#pragma once

#include <hearth/driver.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>

namespace hearth::demo {

/// Host façade and timer queue of one demo instance. Single-threaded (the kit's io thread).
class sim_host {
public:
    /// Wraps `h`, which must outlive this object.
    explicit sim_host(hearth::host& h) : host_(h) {}
    sim_host(const sim_host&) = delete;
    sim_host& operator=(const sim_host&) = delete;

    [[nodiscard]] hearth::host& host() const noexcept { return host_; }
    /// Host clock, milliseconds since the Unix epoch.
    [[nodiscard]] std::uint64_t now_ms() const { return host_.now_ms(); }

    /// Runs `fn` once at now_ms() + `delay` (see run_due). Returns a handle > 0 for cancel(), or 0
    /// after cancel_all().
    std::uint64_t after(std::chrono::milliseconds delay, std::function<void()> fn);
    /// Cancels the timer behind `handle` (harmless if fired or 0) and sets `handle` to 0.
    void cancel(std::uint64_t& handle);
    /// Cancels every pending timer and refuses new ones from now on.
    void cancel_all();
    /// When the earliest timer is due (host ms), or nullopt when none is armed.
    [[nodiscard]] std::optional<std::uint64_t> next_due() const;
    /// Runs every timer due at now_ms() or earlier, earliest first (ties: first armed first),
    /// including ones armed meanwhile; returns how many ran.
    std::size_t run_due();
    [[nodiscard]] std::size_t pending_timers() const noexcept { return timers_.size(); }

private:
    struct timer {
        std::uint64_t due;
        std::function<void()> fn;
    };
    hearth::host& host_;
    std::map<std::uint64_t, timer> timers_;  // by handle: armed order
    std::uint64_t next_handle_ = 1;
    bool stopped_ = false;
};

}  // namespace hearth::demo
