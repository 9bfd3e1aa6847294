// Watches every lock's state for the core's time-based lock rules: optional auto-relock after
// N seconds unlocked, and a 'door left unlocked' alarm (lock_alarm, alarm "left_unlocked"). Both
// due times are written to the lock_store, so a restart (or kill -9) does not forget them: at
// start the stored timers come back, and once the drivers are ready each such lock is read again
// and a relock or alarm whose time passed while hearthd was down runs then — only if the lock
// still reports itself unlocked. It also reports lock attempts that never got an outcome
// (gateway::report_unknown_outcome). Settings come from the gateway's lock_policy; timers run on
// the loop. A failed relock is retried every retry interval until the lock reports "locked".
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "core/gateway.hpp"
#include "core/lock_store.hpp"
#include "core/loop_thread.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hearth {

class lock_supervisor final : public gateway_observer {
public:
    /// `gw` must outlive this object; `store` (may be null: memory only) too. Register it with
    /// gw.add_observer() and call restore() before the drivers start.
    lock_supervisor(boost::asio::io_context& loop, gateway& gw, lock_store* store = nullptr,
                    std::chrono::milliseconds settle = std::chrono::milliseconds(1000),
                    std::chrono::milliseconds retry = std::chrono::milliseconds(10000))
        : loop_(loop), gw_(gw), store_(store), settle_(settle), retry_(retry) {}

    /// Loads the persisted timers and the attempts a previous run left without an outcome (both
    /// acted on once the drivers are ready). Call before the drivers start.
    void restore();

    void on_state_changed(const device_entry& device, const nlohmann::json& changed) override;
    void on_device_removed(const std::string& device_id) override;
    void on_drivers_ready() override;

    /// Due times (ms since the epoch) of the lock's pending relock and alarm; 0 when none.
    [[nodiscard]] std::pair<std::int64_t, std::int64_t> due(const std::string& id) const;

private:
    loop_thread_check loop_thread_;  ///< debug builds: the loop-thread-only methods assert on it

    struct timer_slot {
        std::unique_ptr<boost::asio::steady_timer> timer;
        std::int64_t due_ms = 0;
    };
    void arm(const std::string& id);
    void schedule(const std::string& id, const std::string& kind, std::int64_t due_ms, bool persist);
    void disarm(const std::string& id);
    void fire(const std::string& id, const std::string& kind);
    [[nodiscard]] bool still_unlocked(const std::string& id) const;

    boost::asio::io_context& loop_;
    gateway& gw_;
    lock_store* store_;
    std::chrono::milliseconds settle_;
    std::chrono::milliseconds retry_;
    std::map<std::string, std::map<std::string, timer_slot>> timers_;      ///< id -> kind -> timer
    std::map<std::string, std::map<std::string, std::int64_t>> restored_;  ///< id -> kind -> due, until ready
    std::vector<lock_open_attempt> open_attempts_;  ///< from restore() until the drivers are ready
    bool ready_ = false;
};

}  // namespace hearth
